import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation

/// The preview of an upload as a person reads it: the counts, and the refused rows grouped under
/// one heading per reason with the sheet's rows at a glance.
extension PagesController {
    /// The counts, the refused rows grouped by reason (each reason once, with the sheet's row
    /// numbers), and what the next step is.
    static func outcomeView(_ outcome: ImportOutcome, kind: UploadKind, meta: PendingUploads.Meta, sha256: String)
        -> OutcomeView
    {
        let (order, byReason) = Self.reasonHeadings(outcome.rejected)
        return OutcomeView(
            rows: outcome.rows, imported: outcome.imported, updated: outcome.updated, unchanged: outcome.unchanged,
            accepted: outcome.accepted, refused: !outcome.accepted, huella: sha256,
            rejectedCount: Set(outcome.rejected.map(\.line)).subtracting([0]).count,
            problemCount: outcome.rejected.count + outcome.unlisted,
            unlisted: outcome.unlisted > 0 ? outcome.unlisted : nil,
            ignored: outcome.ignoredColumns.isEmpty ? nil : outcome.ignoredColumns.joined(separator: ", "),
            headerLine: outcome.headerLine > 1 ? outcome.headerLine : nil, batch: outcome.batchID, group: meta.group,
            extra: outcome.extra.sorted { $0.key < $1.key }.map {
                .init(label: Labels.header($0.key), count: $0.value)
            },
            reasons: order.enumerated().map { index, reason in
                let issues = byReason[reason] ?? []
                let lines = issues.map(\.line).filter { $0 > 0 }
                return OutcomeView.Reason(
                    id: "motivo-\(index + 1)", reason: reason, count: issues.count, lines: Self.lineList(lines),
                    hasLines: !lines.isEmpty,
                    issues: issues.prefix(shownPerReason).map { issue in
                        .init(
                            line: issue.line > 0 ? String(issue.line) : "archivo", column: issue.column,
                            value: issue.value, message: issue.message)
                    },
                    more: issues.count > shownPerReason ? issues.count - shownPerReason : nil)
            },
            hasRows: outcome.rejected.contains { $0.line > outcome.headerLine })
    }

    /// What the preview and result pages show of an import; a nil is a line the page leaves out.
    struct OutcomeView: Sendable {
        struct Extra: Sendable {
            var label: String
            var count: Int
        }

        struct Issue: Sendable {
            var line: String
            var column: String
            var value: String
            var message: String
        }

        struct Reason: Sendable {
            var id: String
            var reason: String
            var count: Int
            var lines: String
            var hasLines: Bool
            var issues: [Issue]
            var more: Int?
        }

        var rows: Int
        var imported: Int
        var updated: Int
        var unchanged: Int
        var accepted: Bool
        var refused: Bool
        var huella: String
        var rejectedCount: Int
        var problemCount: Int
        var unlisted: Int?
        var ignored: String?
        var headerLine: Int?
        var batch: Int64?
        var group: String?
        var extra: [Extra]
        var reasons: [Reason]
        var hasRows: Bool
    }

    /// A problem's reason without the particulars of its row (a suggestion after «;» or «:», an
    /// aside in parentheses), so rows wrong the same way fall under one heading; each row keeps
    /// its whole message.
    static func reason(_ issue: ImportIssue) -> String {
        let general = issue.message.prefix { $0 != "(" && $0 != ";" && $0 != ":" }.trimmingCharacters(in: .whitespaces)
        let text = general.isEmpty ? issue.message : general
        return issue.column.isEmpty ? text : "\(issue.column): \(text)"
    }

    /// The reason as a heading groups it: numbers that differ from row to row («tiene 6», «tiene
    /// 5») do not split a reason; numbers of the rule itself («18 caracteres») stay.
    static func reasonHeadings(_ issues: [ImportIssue]) -> (order: [String], groups: [String: [ImportIssue]]) {
        func key(_ text: String) -> String { text.replacing(/[0-9]+/, with: "#") }
        var order: [String] = []
        var groups: [String: [ImportIssue]] = [:]
        for issue in issues {
            let shape = key(reason(issue))
            if groups[shape] == nil { order.append(shape) }
            groups[shape, default: []].append(issue)
        }
        // A heading: the reason's words, with «…» only where its rows' numbers differ.
        var headings: [String: [ImportIssue]] = [:]
        let named = order.map { shape -> String in
            let texts = groups[shape]!.map(reason)
            let heading = Set(texts).count == 1 ? texts[0] : Self.blanking(texts)
            headings[heading, default: []] += groups[shape]!
            return heading
        }
        var seen = Set<String>()
        return (named.filter { seen.insert($0).inserted }, headings)
    }

    /// Texts of one shape (they differ only in their numbers), with each number that is not the
    /// same in all of them shown as «…».
    static func blanking(_ texts: [String]) -> String {
        let numbers = texts.map { $0.matches(of: /[0-9]+/).map { String($0.output) } }
        var index = 0
        return texts[0].replacing(/[0-9]+/) { match -> String in
            defer { index += 1 }
            let column = numbers.map { $0.count > index ? $0[index] : "" }
            return Set(column).count == 1 ? String(match.output) : "…"
        }
    }

    /// `3, 7, 12–15, 20`: the sheet's row numbers at a glance, runs collapsed.
    static func lineList(_ lines: [Int]) -> String {
        let sorted = Array(Set(lines)).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end > index ? "\(sorted[index])–\(sorted[end])" : "\(sorted[index])")
            index = end + 1
        }
        return parts.joined(separator: ", ")
    }
}
