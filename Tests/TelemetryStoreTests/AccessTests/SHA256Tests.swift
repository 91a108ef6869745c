import Crypto
import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// SHA-256 comes from swift-crypto; what the project stores with it (`tokens.json`) and sends
/// (ETags) must be the same bytes as before, when it was written out by hand.
@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-4 examples and NIST CAVS (SHA256ShortMsg / LongMsg) vectors.
    static let vectors: [(message: [UInt8], digest: String)] = [
        ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            Array(
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
                    .utf8),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
        ([0xd3], "28969cdfa74a12c82f3bad960b0b000aca2ac329deea5c2328ebc6f2ba9802c1"),
        ([0x11, 0xaf], "5ca7133fa735326081558ac312c620eeca9970d1e70a4b95533d956f072d1f98"),
        ([0x74, 0xba, 0x25, 0x21], "b16aa56be3880d18cd41e68384cf1ec8c17680c45a02b1575dc1518923ae8b0e"),
        (Array(repeating: 0x61, count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (Array(repeating: 0x61, count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    @Test("NIST test vectors, written as the project writes digests")
    func vectorsMatch() {
        for (message, digest) in Self.vectors {
            #expect(Hexadecimal.string(SHA256.hash(data: message)) == digest, "length \(message.count)")
        }
    }

    @Test("every length around the block boundaries, fed whole or in pieces, gives the same digest")
    func incremental() {
        // The ETags feed the hasher piece by piece; 55, 56 and 64 bytes are where padding needs
        // one or two blocks.
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let whole = Array(SHA256.hash(data: message))
            for piece in [1, 3, 63, 64, 65] {
                var hasher = SHA256()
                var index = 0
                while index < message.count {
                    let end = min(index + piece, message.count)
                    hasher.update(data: Array(message[index..<end]))
                    index = end
                }
                #expect(Array(hasher.finalize()) == whole, "length \(length), pieces of \(piece)")
            }
        }
    }

    /// What `claude-telemetry token add --name grafana` printed and wrote when SHA-256 was
    /// hand-written (the file byte for byte).
    static let tokenBefore = "ctt_2W7uqez2hEGtaHpF-NR45SvbTyGT8DYk87rDfHhzTzs"
    static let tokensFileBefore = """
        {
          "tokens" : [
            {
              "createdAt" : "2026-12-06T11:45:44.071Z",
              "name" : "grafana",
              "sha256" : "f519a56207b05053a49d27945a934feb5c0fdbd4ad858db67724bf1b1fba938e"
            }
          ]
        }
        """

    @Test("a tokens.json written before swift-crypto still opens the team endpoints, and only with its token")
    func storedTokensStillMatch() throws {
        try withTemporaryDirectory { root in
            let tokens = AdminTokenStore(directory: DataDirectory(root), configuration: StoreConfiguration(durable: false))
            try Data(Self.tokensFileBefore.utf8).write(to: URL(fileURLWithPath: tokens.path))
            #expect(try tokens.authorize(authorizationHeader: "Bearer \(Self.tokenBefore)").name == "grafana")
            var other = Self.tokenBefore
            other.removeLast()
            other.append("t")
            #expect(throws: ReadAuthorizationError.refused) { try tokens.authorize(authorizationHeader: "Bearer \(other)") }
        }
    }

    @Test("a token is stored as the same 64 hex digits as before")
    func storedForm() {
        #expect(
            Hexadecimal.string(AdminTokenStore.digest(of: Self.tokenBefore))
                == "f519a56207b05053a49d27945a934feb5c0fdbd4ad858db67724bf1b1fba938e")
        #expect(
            Hexadecimal.string(AdminTokenStore.digest(of: "ctt_abc"))
                == "929d200abc34f71d0bc9207d812d9c8e47f526ece83b84743bbfc88b457036b6")
    }
}
