import Synchronization

/// What the main thread and the workers share about stopping: whether to stop, why, and how
/// many workers are still running. Atomics only, so it is `Sendable` without a lock.
final class StopState: Sendable {
    private let requested = Atomic<Bool>(false)
    private let failed = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)

    /// Asks every worker to stop once its current request (if any) is finished.
    func requestStop() {
        requested.store(true, ordering: .sequentiallyConsistent)
    }

    /// A worker hit an error it cannot recover from: stop everything, exit non-zero.
    func fail() {
        failed.store(true, ordering: .sequentiallyConsistent)
        requestStop()
    }

    var isStopRequested: Bool { requested.load(ordering: .sequentiallyConsistent) }
    var hasFailed: Bool { failed.load(ordering: .sequentiallyConsistent) }

    func workerStarted() { running.add(1, ordering: .sequentiallyConsistent) }
    func workerStopped() { running.subtract(1, ordering: .sequentiallyConsistent) }
    var runningWorkers: Int { running.load(ordering: .sequentiallyConsistent) }
}
