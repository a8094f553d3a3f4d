import Capacita
import CapacitaOutput
import Foundation

/// A tier's bar toward the threshold, drawn on the server as SVG: the share trained, a line at
/// the threshold, and a title and label that say the same in words (screen readers, print).
enum TierBar {
    static func svg(percent: Decimal?, threshold: Decimal, tier: Tier) -> String {
        let label = Labels.value(tier.rawValue)
        let limit = Exact.shortText(threshold, places: 2)
        guard let percent else {
            return """
                <svg class="barra-nivel" viewBox="0 0 200 20" role="img" aria-label="\(label): sin plantilla (ND)"><title>\(label): sin plantilla (ND)</title>\
                <rect x="0" y="2" width="200" height="16" fill="#f3eee9"/><text x="6" y="15" font-size="12" fill="#1a1a1a">ND</text></svg>
                """
        }
        // The scale reaches twice the threshold, so the line sits in the middle; more is full.
        let scale = max(threshold * 2, 1)
        let share = min(NSDecimalNumber(decimal: percent / scale).doubleValue, 1)
        let width = Int((share * 200).rounded())
        let mark = 100
        let meets = percent >= threshold
        let text = "\(label): \(Rounded.percent(percent).description) % de \(limit) %"
        return """
            <svg class="barra-nivel" viewBox="0 0 200 20" role="img" aria-label="\(text)"><title>\(text)</title>\
            <rect x="0" y="2" width="200" height="16" fill="#f3eee9"/>\
            <rect x="0" y="2" width="\(width)" height="16" fill="\(meets ? "#1e5b2e" : "#8c2a00")"/>\
            <line x1="\(mark)" y1="0" x2="\(mark)" y2="20" stroke="#1a1a1a" stroke-width="2"/></svg>
            """
    }
}
