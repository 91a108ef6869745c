import SystemCalls

/// The POSIX threads the workers run on. Plain pthreads rather than Swift concurrency: each
/// worker spends its life in blocking libfcgi calls, which must not occupy the cooperative
/// pool's few threads.
struct WorkerThreads {
    private var threads: [pthread_t] = []

    /// Starts `worker.run()` on a new thread. Signals blocked by the caller stay blocked
    /// there (threads inherit the signal mask).
    mutating func start(_ worker: Worker) throws(SystemCallError) {
        worker.stop.workerStarted()
        // The retain is handed to the thread, which takes it back in `workerThreadMain`.
        let argument = Unmanaged.passRetained(worker).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let result = pthread_create(&thread, nil, workerThreadMain, argument)
        guard result == 0 else {
            Unmanaged<Worker>.fromOpaque(argument).release()
            worker.stop.workerStopped()
            throw SystemCallError(call: "pthread_create", errno: result)
        }
        #if canImport(Darwin)
            threads.append(thread!)
        #else
            threads.append(thread)
        #endif
    }

    /// Waits for every started thread to return.
    mutating func joinAll() {
        for thread in threads {
            pthread_join(thread, nil)
        }
        threads.removeAll()
    }
}

/// The thread entry point. A named global function, not a closure: a closure literal in
/// `main.swift` would be inferred `@MainActor` under Swift 6 and trap when called on a
/// worker thread.
#if canImport(Darwin)
    private func workerThreadMain(_ argument: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        runWorker(argument)
    }
#else
    private func workerThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let argument else { return nil }
        return runWorker(argument)
    }
#endif

private func runWorker(_ argument: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
    let worker = Unmanaged<Worker>.fromOpaque(argument).takeRetainedValue()
    defer { worker.stop.workerStopped() }
    worker.run()
    return nil
}
