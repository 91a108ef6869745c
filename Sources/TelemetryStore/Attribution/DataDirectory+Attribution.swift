/// Where attribution keeps its state, beside `users/`:
///
///     <root>/attribution/.lock                     flock: the parked index (bounds, shares), briefly
///     <root>/attribution/locks/NN/.lock            flock: one of 64 stripes; a source's parking,
///                                                  claim, unbind and discard take its stripe
///     <root>/attribution/bindings/<source>         the user a source is bound to (JSON)
///     <root>/attribution/parked/index.json         per source: facts, counts, log length; per address: shares
///     <root>/attribution/parked/<source>.log       the source's parked requests, appended, checksummed
///
/// `<source>` is an installation id or an unknown user id (``ParkedSource``); paths are only
/// built from validated ones. No HTTP route reads any of it. Lock order: stripe, then the
/// index lock, then a user's lock.
extension DataDirectory {
    /// Stripes of the per-source lock: a long claim holds one of them between its chunks, so
    /// only requests of sources sharing it wait, and each stripe is its own directory because
    /// ``FileLock`` also locks the directory holding the lock file.
    package static let parkingStripes = 64

    package var attributionDirectory: String { root + "/attribution" }
    package var attributionLockPath: String { attributionDirectory + "/.lock" }
    package var stripesDirectory: String { attributionDirectory + "/locks" }
    package func stripeDirectory(_ stripe: Int) -> String {
        stripesDirectory + "/" + CivilDate.pad(stripe, 2)
    }
    package func stripeLockPath(_ stripe: Int) -> String { stripeDirectory(stripe) + "/.lock" }
    package var bindingsDirectory: String { attributionDirectory + "/bindings" }
    func bindingPath(_ source: ParkedSource) -> String { bindingsDirectory + "/" + source.rawValue }
    package var parkedDirectory: String { attributionDirectory + "/parked" }
    package var parkedIndexPath: String { parkedDirectory + "/index.json" }
    package func parkedLogPath(_ source: ParkedSource) -> String { parkedDirectory + "/" + source.rawValue + ".log" }
}

extension ParkedSource {
    /// Which of the ``DataDirectory/parkingStripes`` lock stripes serialises this source.
    var stripe: Int {
        var hash = StableHash()
        hash.combine(rawValue)
        return Int(StableHash.finalize(hash.value) % UInt64(DataDirectory.parkingStripes))
    }
}
