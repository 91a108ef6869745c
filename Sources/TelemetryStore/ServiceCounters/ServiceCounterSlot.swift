import SystemCalls

extension DataDirectory {
    /// The service's own counters: `slot-NNNN.counters`, each written by the one process that
    /// holds the flock of its `slot-NNNN.lock`.
    package var serviceCountersDirectory: String { root + "/service-counters" }
}

/// One process's counter file, held for the process's life by an exclusive flock on its lock
/// file. A process takes the first slot nobody holds and carries on from the counts left
/// there: a responder that exited or was killed leaves its file, the next process to start
/// adopts it, so no count is lost and the number of files stays the number of processes
/// that ever ran at once. The file is replaced by rename (never fsynced: a crash of the
/// machine may lose the last seconds of counts, never the file).
///
/// Sendable: both stored properties are immutable values; the descriptor is only closed by
/// ``release()``, which its one owner calls last.
package final class ServiceCounterSlot: Sendable {
    package let number: Int
    package let countersPath: String
    private let lockDescriptor: Int32

    /// More processes than any deployment runs at once on one data directory.
    package static let maxSlots = 1024

    private init(number: Int, countersPath: String, lockDescriptor: Int32) {
        self.number = number
        self.countersPath = countersPath
        self.lockDescriptor = lockDescriptor
    }

    /// Takes a free slot and returns it with the counts its file holds (empty for a new
    /// slot; also empty, with `damaged` true, when the file was torn or not this format).
    package static func claim(_ directory: DataDirectory) throws(StorageError) -> (
        slot: ServiceCounterSlot, counters: [ServiceCounterKey: ServiceCounterValue], damaged: Bool
    ) {
        let folder = directory.serviceCountersDirectory
        do {
            try FileSystem.makeDirectory(folder)
        } catch {
            if error != .fileExists { throw error.storage("create", folder) }
        }
        for number in 0..<maxSlots {
            let name = folder + "/slot-" + String(repeating: "0", count: max(0, 4 - String(number).count)) + String(number)
            let lockPath = name + ".lock"
            let descriptor: FileDescriptor
            do {
                descriptor = try FileDescriptor.open(lockPath, .readOnly, options: [.create, .noFollow])
            } catch {
                throw error.storage("open", lockPath)
            }
            guard flock(descriptor.rawValue, LOCK_EX | LOCK_NB) == 0 else {
                descriptor.closeIgnoringErrors()
                continue
            }
            let slot = ServiceCounterSlot(number: number, countersPath: name + ".counters", lockDescriptor: descriptor.rawValue)
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.readFile(slot.countersPath)
            } catch {
                if error == .noSuchFileOrDirectory { return (slot, [:], false) }
                slot.release()
                throw error.storage("read", slot.countersPath)
            }
            guard let counters = ServiceCounterFile.decode(bytes) else { return (slot, [:], true) }
            return (slot, counters, false)
        }
        throw .system(operation: "take a counter slot (all \(maxSlots) held)", path: folder, errno: Errno(rawValue: EBUSY))
    }

    /// Replaces the slot's file with `counters`: written to `….counters.next`, then renamed over
    /// it (no fsync). Only the slot's holder writes either name, so the next file is simply
    /// truncated; one left by a killed process is overwritten by the slot's next holder.
    package func write(_ counters: [ServiceCounterKey: ServiceCounterValue]) throws(StorageError) {
        let next = countersPath + ".next"
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(next, .writeOnly, options: [.create, .truncate, .noFollow])
        } catch {
            throw error.storage("create", next)
        }
        do {
            try descriptor.writeEverything(ServiceCounterFile.encode(counters))
        } catch {
            descriptor.closeIgnoringErrors()
            throw error.storage("write", next)
        }
        descriptor.closeIgnoringErrors()
        do {
            try FileSystem.rename(next, to: countersPath)
        } catch {
            throw error.storage("rename", next)
        }
    }

    /// Adds `amount` to one counter from a short-lived process (the admin tool): takes a free
    /// slot, adds, writes, lets it go.
    package static func add(
        _ directory: DataDirectory, _ key: ServiceCounterKey, _ amount: UInt64, now: Timestamp = .now()
    ) throws(StorageError) {
        let (slot, loaded, _) = try claim(directory)
        var counters = loaded
        defer { slot.release() }
        if counters[key] == nil {
            counters[key] = ServiceCounterValue(value: 0, createdMilliseconds: now.nanoseconds / 1_000_000)
        }
        counters[key]!.value &+= amount
        try slot.write(counters)
    }

    /// Lets another process take the slot (a process that exits releases it anyway).
    package func release() {
        _ = close(lockDescriptor)
    }
}

/// Every process's counters added up, as a scrape shows them.
package struct ServiceCounterTotals: Sendable, Equatable {
    package var counters: [ServiceCounterKey: ServiceCounterValue] = [:]
    /// Files left out because they are torn, short or not this format.
    package var unreadableFiles = 0

    package init() {}

    /// Sums every slot's file: values added, the earliest start kept.
    package static func read(_ directory: DataDirectory) -> ServiceCounterTotals {
        var totals = ServiceCounterTotals()
        let folder = directory.serviceCountersDirectory
        guard let names = try? FileSystem.contents(of: folder) else { return totals }
        for name in names where name.hasSuffix(".counters") {
            guard let bytes = try? FileSystem.readFile(folder + "/" + name) else { continue }
            guard let counters = ServiceCounterFile.decode(bytes) else {
                totals.unreadableFiles += 1
                continue
            }
            totals.add(counters)
        }
        return totals
    }

    package mutating func add(_ other: [ServiceCounterKey: ServiceCounterValue]) {
        for (key, entry) in other {
            if var existing = counters[key] {
                existing.value &+= entry.value
                existing.createdMilliseconds = min(existing.createdMilliseconds, entry.createdMilliseconds)
                counters[key] = existing
            } else {
                counters[key] = entry
            }
        }
    }
}
