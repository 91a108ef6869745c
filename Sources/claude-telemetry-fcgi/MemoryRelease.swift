import CMalloc
import TelemetryService

/// Gives the memory of large bodies back to the system once they are answered, so that the
/// process's resident size returns near its base instead of staying at its high-water mark.
///
/// glibc keeps freed memory in its per-thread arenas, and raises its mmap threshold (up to
/// 32 MiB) each time a large mmapped block is freed, so later large bodies come from arenas
/// that never shrink. Fixing the threshold keeps every large buffer (a body, its inflated
/// copy) in its own mapping, unmapped when freed; `malloc_trim` returns what the decoded
/// batches left free inside the arenas once no large body is in flight.
enum MemoryRelease {
    /// Blocks from this size up are mapped on their own.
    static let mmapThreshold: CInt = 1 << 20
    /// A request that held this much of the budget is followed by a trim.
    static let trimAfterBytes = 8 << 20

    /// Call once, before any thread starts.
    static func configure() {
        _ = cmalloc_set_mmap_threshold(mmapThreshold)
    }

    /// After a request that held `peak` bytes of `budget`: trims when it was large and no
    /// other large body is in flight (trimming walks the arenas and would slow those down).
    static func afterRequest(holding peak: Int, budget: MemoryBudget) {
        guard peak >= trimAfterBytes, budget.reserved < trimAfterBytes else { return }
        _ = cmalloc_trim()
    }
}
