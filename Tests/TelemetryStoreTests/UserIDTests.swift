import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("User ids")
struct UserIDTests {
    @Test(
        "the canonical lowercase form is accepted",
        arguments: [
            "123e4567-e89b-42d3-a456-426614174000", "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
        ])
    func canonical(text: String) throws {
        let user = try UserID(validating: text)
        #expect(user.rawValue == text)
        #expect(user.description == text)
        #expect(try UserID(validating: Substring(text)) == user)
    }

    @Test(
        "malformed ids are refused",
        arguments: [
            "../../etc/passwd",
            "{123e4567-e89b-42d3-a456-426614174000}",
            "123e4567e89b42d3a456426614174000",
            "123e4567-e89b-42d3-a456-42661417400",
            "123e4567-e89b-42d3-a456-4266141740000",
            "123e4567-e89b-42d3-a456_426614174000",
            "123e4567-e89b-42d3-a456-42661417400g",
            "123e4567-e89b-42d3-a456-42661417400/",
            "../e4567-e89b-42d3-a456-426614174000",
            "123e4567-e89b-42d3-a456-42661417400\u{0}",
            " 23e4567-e89b-42d3-a456-426614174000",
            "123e4567-e89b-42d3-a456-42661417400é",
            "urn:uuid:123e4567-e89b-42d3-a456-426614174000",
        ])
    func malformed(text: String) {
        #expect(throws: UserIDError.self) { try UserID(validating: text) }
        do {
            _ = try UserID(validating: text)
        } catch {
            guard case .malformed = error else {
                Issue.record("expected malformed for \(text), got \(error)")
                return
            }
        }
    }

    @Test("upper case is refused with its own reason")
    func upperCase() {
        #expect(throws: UserIDError.notLowercase("123E4567-E89B-42D3-A456-426614174000")) {
            try UserID(validating: "123E4567-E89B-42D3-A456-426614174000")
        }
        #expect(throws: UserIDError.notLowercase("123e4567-e89b-42d3-a456-42661417400A")) {
            try UserID(validating: "123e4567-e89b-42d3-a456-42661417400A")
        }
    }

    @Test("empty is refused")
    func empty() {
        #expect(throws: UserIDError.empty) { try UserID(validating: "") }
    }

    @Test("a 1000-character id is refused and shown shortened")
    func veryLong() {
        let text = String(repeating: "a", count: 1000)
        #expect(throws: UserIDError.malformed(String(repeating: "a", count: 48) + "…")) { try UserID(validating: text) }
    }

    @Test("preview keeps 48 printable ASCII characters")
    func preview() {
        #expect(UserID.preview("abc") == "abc")
        #expect(UserID.preview("a\nb\u{7F}é") == "a?b??")
        #expect(UserID.preview(String(repeating: "x", count: 48)) == String(repeating: "x", count: 48))
        #expect(UserID.preview(String(repeating: "x", count: 49)) == String(repeating: "x", count: 48) + "…")
    }

    @Test("random ids are valid version-4 UUIDs and differ")
    func random() throws {
        var seen = Set<UserID>()
        for _ in 0..<200 {
            let user = UserID.random()
            #expect(try UserID(validating: user.rawValue) == user)
            let characters = Array(user.rawValue)
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
            seen.insert(user)
        }
        #expect(seen.count == 200)
    }

    @Test("ids order by their text")
    func ordering() throws {
        let a = try UserID(validating: "00000000-0000-4000-8000-000000000001")
        let b = try UserID(validating: "00000000-0000-4000-8000-000000000002")
        #expect(a < b)
        #expect(!(b < a))
    }

    @Test("error descriptions")
    func descriptions() {
        #expect(UserIDError.empty.description.contains("empty"))
        #expect(UserIDError.notLowercase("X").description == "user id 'X' must be written in lowercase")
        #expect(UserIDError.malformed("y").description == "user id 'y' is not a UUID; expected 8-4-4-4-12 lowercase hex digits")
    }
}
