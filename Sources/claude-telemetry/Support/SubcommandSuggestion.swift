import ArgumentParser

/// "Did you mean": a mistyped subcommand (`claude-telemetry user lsit`) is answered with the
/// closest existing one instead of the parser's bare "unexpected argument".
enum SubcommandSuggestion {
    /// The message for the first word that should name a subcommand and names none, or nil
    /// when every such word is right (the parser then takes over).
    static func check(_ arguments: [String], root: any ParsableCommand.Type) -> String? {
        var command = root
        var path = [name(of: root)]
        for word in arguments {
            let children = command.configuration.subcommands
            if children.isEmpty || word.hasPrefix("-") { return nil }
            if word == "help" { return nil }
            if let child = child(named: word, of: command) {
                command = child
                path.append(word)
                continue
            }
            let names = children.map(name(of:))
            let close = names.map { ($0, distance($0, word)) }.filter { $0.1 <= max(2, word.count / 3) || $0.0.hasPrefix(word) }
                .sorted { $0.1 < $1.1 }.map(\.0)
            let hint =
                close.isEmpty
                ? "commands: \(names.joined(separator: ", "))"
                : "did you mean '\(path.joined(separator: " ")) \(close[0])'?"
            return "unknown command '\(word)' for '\(path.joined(separator: " "))'; \(hint) (see --help)"
        }
        return nil
    }

    /// The leading words of `arguments` that name a subcommand path below `root` (by name or
    /// alias, each a child of the one before), as `CommandConfiguration.subcommands` declares it.
    static func path(in arguments: some Sequence<String>, from root: any ParsableCommand.Type) -> [String] {
        var command = root
        var words: [String] = []
        for word in arguments {
            guard let child = child(named: word, of: command) else { break }
            words.append(word)
            command = child
        }
        return words
    }

    /// The subcommand of `command` called `word`, by name or alias.
    static func child(named word: String, of command: any ParsableCommand.Type) -> (any ParsableCommand.Type)? {
        command.configuration.subcommands.first { name(of: $0) == word || $0.configuration.aliases.contains(word) }
    }

    static func name(of command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? command._commandName
    }

    /// Levenshtein distance, with a swap of two neighbours counted as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
