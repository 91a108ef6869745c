package import TelemetryStore

/// The users who share one value of a team attribute (`?group=department`), with their figures
/// added up. Users without the attribute form the group ``noneValue``.
package struct TeamGroup: Sendable, Equatable {
    /// The value of the group of users who never sent the attribute.
    package static let noneValue = "(none)"

    package let key: String
    package let value: String
    /// User ids, sorted.
    package let members: [String]
    package let totals: PublishedTotals
    package let rangeTotals: PublishedTotals

    /// One group per distinct value, sorted by value, with "(none)" last.
    static func groups(of members: [TeamSummaryReport.Member], by key: String) -> [TeamGroup] {
        var byValue: [String: (members: [String], totals: PublishedTotals, range: PublishedTotals)] = [:]
        var none: (members: [String], totals: PublishedTotals, range: PublishedTotals)?
        for member in members {
            if let value = member.attributes[key], value != noneValue {
                byValue[value, default: ([], PublishedTotals(), PublishedTotals())].members.append(member.digest.userId)
                byValue[value]!.totals.add(member.digest.totals)
                byValue[value]!.range.add(member.rangeTotals)
            } else {
                if none == nil { none = ([], PublishedTotals(), PublishedTotals()) }
                none!.members.append(member.digest.userId)
                none!.totals.add(member.digest.totals)
                none!.range.add(member.rangeTotals)
            }
        }
        var groups = byValue.keys.sorted().map { value in
            let entry = byValue[value]!
            return TeamGroup(
                key: key, value: value, members: entry.members.sorted(), totals: entry.totals,
                rangeTotals: entry.range)
        }
        if let none {
            groups.append(
                TeamGroup(
                    key: key, value: noneValue, members: none.members.sorted(), totals: none.totals,
                    rangeTotals: none.range))
        }
        return groups
    }

    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("key"); w.string(key)
        w.key("members")
        w.beginArray()
        for member in members { w.string(member) }
        w.endArray()
        w.key("rangeTotals"); rangeTotals.write(to: &w, raw: false)
        w.key("totals"); totals.write(to: &w, raw: false)
        w.key("value"); w.string(value)
        w.endObject()
    }
}
