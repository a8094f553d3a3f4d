import Capacita
import Foundation

/// Parámetro 4.2 over the years as an SVG drawn on the server: a bar per year on a 0–100 % scale,
/// the goal as a dashed line, ND written where a year has no data; a title and a description say
/// the same in words.
enum SeriesChart {
    static func svg(_ values: [Indicator], goal: (year: Int, percent: Decimal)?) -> String {
        let width = 60 * max(values.count, 1) + 60
        let height = 220
        let top = 20
        let plot = 160
        func y(_ percent: Decimal) -> Int {
            top + plot - Int((NSDecimalNumber(decimal: min(percent, 100)).doubleValue / 100 * Double(plot)).rounded())
        }
        var words: [String] = []
        var marks = ""
        for (index, value) in values.enumerated() {
            let x = 50 + index * 60
            if let percent = value.percent {
                let text = Rounded.percent(percent).description
                words.append("\(value.year): \(text) %")
                marks +=
                    "<rect x=\"\(x)\" y=\"\(y(percent))\" width=\"36\" height=\"\(top + plot - y(percent))\" fill=\"#611232\"/>"
                    + "<text x=\"\(x + 18)\" y=\"\(y(percent) - 4)\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1a1a1a\">\(text)</text>"
            } else {
                words.append("\(value.year): ND")
                marks +=
                    "<text x=\"\(x + 18)\" y=\"\(top + plot - 4)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#8c2a00\">ND</text>"
            }
            marks +=
                "<text x=\"\(x + 18)\" y=\"\(top + plot + 16)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1a1a1a\">\(value.year)</text>"
        }
        var goalLine = ""
        if let goal {
            let line = y(goal.percent)
            let text = "Meta \(goal.year): \(Exact.shortText(goal.percent, places: 2)) %"
            words.append(text)
            goalLine =
                "<line x1=\"40\" y1=\"\(line)\" x2=\"\(width - 10)\" y2=\"\(line)\" stroke=\"#1e5b2e\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
                + "<text x=\"\(width - 10)\" y=\"\(line - 4)\" font-size=\"11\" text-anchor=\"end\" fill=\"#1e5b2e\">\(text)</text>"
        }
        let axis =
            "<line x1=\"40\" y1=\"\(top + plot)\" x2=\"\(width - 10)\" y2=\"\(top + plot)\" stroke=\"#1a1a1a\"/>"
            + "<text x=\"34\" y=\"\(top + 4)\" font-size=\"10\" text-anchor=\"end\" fill=\"#1a1a1a\">100 %</text>"
            + "<text x=\"34\" y=\"\(top + plot)\" font-size=\"10\" text-anchor=\"end\" fill=\"#1a1a1a\">0 %</text>"
        let description = words.joined(separator: "; ")
        return """
            <svg class="serie" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="serie-titulo serie-desc">\
            <title id="serie-titulo">Parámetro 4.2 por año frente a la meta</title><desc id="serie-desc">\(description)</desc>\
            \(axis)\(goalLine)\(marks)</svg>
            """
    }
}
