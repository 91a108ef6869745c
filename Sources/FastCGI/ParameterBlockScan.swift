/// Checks the start of a FastCGI connection — `FCGI_BEGIN_REQUEST` and the whole
/// `FCGI_PARAMS` stream up to its empty closing record — in bytes peeked from the socket,
/// before libfcgi reads any of it.
///
/// libfcgi reads parameters with blocking reads and no size limit (a 100 MiB block is
/// allocated whole), silently skips records of other request ids, and `malloc`s whatever a
/// name-value pair declares. Handing it a connection only once this scan says `complete`
/// means libfcgi's parameter reads never wait and never allocate more than the block holds.
package struct ParameterBlockScan: Equatable, Sendable {
    /// What the peeked bytes amount to.
    package enum Verdict: Equatable, Sendable {
        /// The block is complete and sound: `length` bytes from the connection's first byte
        /// through the empty `FCGI_PARAMS` record.
        case complete(requestID: UInt16, length: Int)
        /// Sound so far; more bytes are needed.
        case incomplete
        /// The block cannot be accepted. `requestID` is known once `FCGI_BEGIN_REQUEST` was
        /// read, so the refusal can be answered on the connection.
        case refused(ConnectionRefusal, requestID: UInt16?)
    }

    static let headerLength = 8
    static let beginRequest: UInt8 = 1
    static let parameters: UInt8 = 4
    static let responderRole: UInt16 = 1

    /// Scans `bytes`, the connection's data from its first byte, with the block bounded by
    /// `limit` bytes (record headers and padding included).
    package static func scan(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Verdict {
        var position = 0
        var requestID: UInt16?
        var parameterContent: [Range<Int>] = []
        while true {
            if position >= limit { return .refused(.parametersTooLarge(limit: limit), requestID: requestID) }
            guard position + headerLength <= bytes.count else {
                return bytes.count >= limit ? .refused(.parametersTooLarge(limit: limit), requestID: requestID) : .incomplete
            }
            let version = bytes[position]
            let type = bytes[position + 1]
            let id = UInt16(bytes[position + 2]) << 8 | UInt16(bytes[position + 3])
            let contentLength = Int(bytes[position + 4]) << 8 | Int(bytes[position + 5])
            let recordEnd = position + headerLength + contentLength + Int(bytes[position + 6])
            guard version == 1 else {
                return .refused(.malformed("FastCGI version \(version), expected 1"), requestID: requestID)
            }
            if recordEnd > limit { return .refused(.parametersTooLarge(limit: limit), requestID: requestID) }
            guard recordEnd <= bytes.count else { return .incomplete }
            let content = (position + headerLength)..<(position + headerLength + contentLength)
            position = recordEnd

            if id == 0 {
                // Management records (FCGI_GET_VALUES) belong to the connection; libfcgi answers them.
                continue
            }
            guard let current = requestID else {
                guard type == beginRequest, contentLength == 8 else {
                    return .refused(.malformed("a record of type \(type) before FCGI_BEGIN_REQUEST"), requestID: nil)
                }
                requestID = id
                let role = UInt16(bytes[content.lowerBound]) << 8 | UInt16(bytes[content.lowerBound + 1])
                guard role == responderRole else {
                    return .refused(.malformed("FastCGI role \(role); this program is a responder (role 1)"), requestID: id)
                }
                continue
            }
            guard id == current else {
                return .refused(.multiplexed(otherID: id), requestID: current)
            }
            guard type == parameters else {
                return .refused(.malformed("a record of type \(type) inside the FCGI_PARAMS stream"), requestID: current)
            }
            if content.isEmpty {
                if let problem = checkPairs(bytes, content: parameterContent) {
                    return .refused(.malformed(problem), requestID: current)
                }
                if let other = otherRequest(in: bytes, from: position, current: current) {
                    return .refused(.multiplexed(otherID: other), requestID: current)
                }
                return .complete(requestID: current, length: position)
            }
            parameterContent.append(content)
        }
    }

    /// The id of a record for another request among the complete records already peeked
    /// after the block (the body's `FCGI_STDIN` records usually arrive with it). Records
    /// arriving later are caught by the body's length check instead.
    static func otherRequest(in bytes: UnsafeRawBufferPointer, from start: Int, current: UInt16) -> UInt16? {
        var position = start
        while position + headerLength <= bytes.count {
            let id = UInt16(bytes[position + 2]) << 8 | UInt16(bytes[position + 3])
            if id != 0 && id != current { return id }
            position += headerLength + (Int(bytes[position + 4]) << 8 | Int(bytes[position + 5])) + Int(bytes[position + 6])
        }
        return nil
    }

    /// Walks the name-value pairs across the records' contents: every declared length must fit
    /// in the block, so libfcgi never allocates for bytes that do not exist.
    static func checkPairs(_ bytes: UnsafeRawBufferPointer, content ranges: [Range<Int>]) -> String? {
        var stream: [UInt8] = []
        stream.reserveCapacity(ranges.reduce(0) { $0 + $1.count })
        for range in ranges { stream.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[range])) }
        var index = 0
        func length() -> Int? {
            guard index < stream.count else { return nil }
            let first = stream[index]
            if first & 0x80 == 0 {
                index += 1
                return Int(first)
            }
            guard index + 4 <= stream.count else { return nil }
            let value =
                Int(first & 0x7F) << 24 | Int(stream[index + 1]) << 16 | Int(stream[index + 2]) << 8 | Int(stream[index + 3])
            index += 4
            return value
        }
        while index < stream.count {
            guard let name = length(), let value = length() else { return "a parameter length is cut off" }
            guard name <= stream.count - index, value <= stream.count - index - name else {
                return "a parameter declares more bytes than the block holds"
            }
            index += name + value
        }
        return nil
    }
}

/// Why a FastCGI connection was refused before libfcgi saw it.
package enum ConnectionRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// The parameter block (CGI variables and headers) is larger than the bound.
    case parametersTooLarge(limit: Int)
    /// A record of another request id arrived on the connection (multiplexing), which
    /// libfcgi does not support and would silently skip.
    case multiplexed(otherID: UInt16)
    /// Not the FastCGI protocol as a responder expects it.
    case malformed(String)

    package var description: String {
        switch self {
        case .parametersTooLarge(let limit):
            return "the FastCGI parameter block (request headers and CGI variables) exceeds \(limit) bytes"
        case .multiplexed(let other):
            return "a record of another request (id \(other)) arrived on the same connection; "
                + "multiplexed FastCGI connections are not supported"
        case .malformed(let reason):
            return "malformed FastCGI request: \(reason)"
        }
    }
}
