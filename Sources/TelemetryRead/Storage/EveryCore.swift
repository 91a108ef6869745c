import Dispatch
import Foundation
import Synchronization

/// Reading every user spread over the cores this process may run on: after a start a team
/// summary or a scrape reads and digests every user once, which for a team of year-old users
/// takes seconds on one core.
enum EveryCore {
    /// Cores this process may run on.
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// `transform` of every index below `count`, in order; run on up to as many threads as there
    /// are cores (at most 8), or on this thread alone for fewer than 32.
    static func map<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
        let results = Mutex<[T?]>(Array(repeating: nil, count: count))
        let lanes = count < 32 ? 1 : max(1, min(cores, 8))
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for index in stride(from: lane, to: count, by: lanes) {
                let result = transform(index)
                results.withLock { $0[index] = result }
            }
        }
        return results.withLock { $0 }.map { $0! }
    }
}
