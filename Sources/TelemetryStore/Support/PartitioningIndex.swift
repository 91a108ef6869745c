extension RandomAccessCollection {
    /// The first index whose element `isInSecondPart` accepts, in a collection where every such
    /// element comes after every other (a binary search: the first day from a key on, in a list of
    /// days sorted by key); `endIndex` when none does.
    @inlinable package func partitioningIndex(where isInSecondPart: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if isInSecondPart(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
