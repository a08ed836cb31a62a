// Text for people at a terminal: grouped counts, display widths of CJK text, aligned tables.

extension Int {
    /// `100000` → `100,000`.
    public var grouped: String {
        let digits = String(self.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (self < 0 ? "-" : "") + out
    }
}

/// Terminal display width: CJK characters take two columns.
public func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6:
            width + 2
        default:
            width + 1
        }
    }
}

/// Cuts `text` to at most `width` display columns, marking the cut with `…`.
public func truncated(_ text: String, width: Int) -> String {
    guard displayWidth(text) > width else { return text }
    var out = ""
    for character in text {
        if displayWidth(out + String(character)) > width - 1 { break }
        out.append(character)
    }
    return out + "…"
}

/// Renders rows as aligned columns for people.
public func table(_ header: [String], _ rows: [[String]]) -> String {
    var widths = header.map(displayWidth)
    for row in rows {
        for (index, cell) in row.enumerated() where index < widths.count {
            widths[index] = max(widths[index], displayWidth(cell))
        }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - displayWidth(cell))
        }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
}
