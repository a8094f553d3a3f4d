import Capacita
import Foundation

/// A made-up public servant with a CURP derived from their name and birth date the way RENAPO
/// builds one (initials, first internal vowel and consonants, date, sex, state, homoclave, check digit).
public struct SamplePerson: Sendable {
    public var curp: String
    public var givenNames: String
    public var firstSurname: String
    public var secondSurname: String
    public var sex: Sex
    public var email: String
    public var agency: String
    public var tier: String
    public var position: String

    static let womenNames = [
        "María", "Guadalupe", "Juana", "Margarita", "Verónica", "Leticia", "Rosa María", "Ana Sofía",
        "Ximena", "Mónica", "Adriana", "Begoña", "Itzel", "Citlali", "Araceli", "Nayeli", "Inés", "Lucía",
    ]
    static let menNames = [
        "José", "Juan", "Luis", "Jesús", "Miguel Ángel", "Héctor", "Raúl", "Andrés", "Óscar", "Iñaki",
        "Joaquín", "Efraín", "Germán", "Cuauhtémoc", "Martín", "Julián", "Ramón", "Sebastián",
    ]
    static let surnames = [
        "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
        "Cruz", "Gómez", "Flores", "Morales", "Vázquez", "Jiménez", "Reyes", "Díaz", "Muñoz", "Peña",
        "Ibáñez", "Núñez", "Ordóñez", "Castañeda", "Xicoténcatl", "Yáñez", "Olvera", "Ávila", "Úrsulo",
    ]
    static let positions = [
        "Jefe de departamento", "Subdirectora de área", "Enlace administrativo", "Analista", "Director de área",
        "Inspector federal del trabajo", "Agente de migración", "Médica general", "Trabajadora social",
        "Policía federal", "Coordinador, \"región centro\"", "Auxiliar; oficina de partes",
    ]
    static let agencies = [
        "SEGOB", "SICT", "SRE", "SSPC", "STPS", "SALUD", "BIENESTAR", "SEP", "SECTUR", "SNDIF", "CEAV",
        "INMUJERES", "INM",
    ]
    /// How agencies write their own name in files: a code, the current name or a former one.
    static let agencyWritings: [String: [String]] = [
        "SICT": ["SICT", "SCT", "Secretaría de Comunicaciones y Transportes"],
        "BIENESTAR": ["BIENESTAR", "SEDESOL", "Secretaría de Bienestar"],
        "INM": ["INM", "Instituto Nacional de Migración", "INAMI"],
        "SSPC": ["SSPC", "Secretaría de Seguridad Pública"],
    ]
    static let tiers = ["G", "H", "K", "L", "M", "N", "O", "P", "enlace", "base", "operativo", "medio", "alto"]
    static let tierWeights = [1, 1, 1, 3, 3, 3, 3, 10, 8, 40, 20, 5, 2]

    public static func make(_ random: inout SeededGenerator) -> SamplePerson {
        let sex: Sex = random.chance(0.52) ? .mujer : .hombre
        let given = random.pick(sex == .mujer ? womenNames : menNames)
        let first = random.pick(surnames)
        let second = random.chance(0.05) ? "" : random.pick(surnames)
        let year = 1960 + Int(random.next() % 45)
        let month = 1 + Int(random.next() % 12)
        let day = 1 + Int(random.next() % UInt64(CalendarDate.days(inMonth: month, year: year)))
        let state = random.chance(0.01) ? "NE" : random.pick(Array(StateCode.names.keys).sorted())
        let curp = makeCurp(
            given: given, first: first, second: second, year: year, month: month, day: day, sex: sex,
            state: state, random: &random)
        let agency = random.pick(agencies)
        var tierIndex = Int(random.next() % UInt64(tierWeights.reduce(0, +)))
        var tier = tiers[0]
        for (index, weight) in tierWeights.enumerated() {
            if tierIndex < weight {
                tier = tiers[index]
                break
            }
            tierIndex -= weight
        }
        let user = ascii(given.split(separator: " ")[0]).lowercased() + "." + ascii(first).lowercased()
        return SamplePerson(
            curp: curp, givenNames: given, firstSurname: first, secondSurname: second, sex: sex,
            email: random.chance(0.7) ? "\(user)\(random.next() % 100)@\(agency.lowercased()).gob.mx" : "",
            agency: agency, tier: tier, position: random.pick(positions))
    }

    /// How this person's agency is written in one file.
    public func agencyWriting(_ random: inout SeededGenerator) -> String {
        random.pick(Self.agencyWritings[agency] ?? [agency])
    }

    static func makeCurp(
        given: String, first: String, second: String, year: Int, month: Int, day: Int, sex: Sex,
        state: String, random: inout SeededGenerator
    ) -> String {
        let a = letters(first)
        let b = letters(second)
        let n = letters(given)
        let vowel = a.dropFirst().first { "AEIOU".contains($0) } ?? "X"
        var head = String([a.first ?? "X", vowel, b.first ?? "X", n.first ?? "X"])
        if Curp.isInconvenient(head) { head = String(head.prefix(1)) + "X" + String(head.suffix(2)) }
        func consonant(_ word: [Character]) -> Character {
            word.dropFirst().first { !"AEIOU".contains($0) } ?? "X"
        }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let homoclave: Character =
            year < 2000
            ? Character(String(random.next() % 10))
            : Character(Unicode.Scalar(65 + UInt8(random.next() % 26)))
        let body =
            head + two(year % 100) + two(month) + two(day) + sex.rawValue + state
            + String([consonant(a), consonant(b), consonant(n), homoclave])
        return Curp.completing(body)
    }

    /// Capital letters A-Z of a name, accents dropped and Ñ written X, as RENAPO does.
    static func letters(_ name: String) -> [Character] {
        Array(ascii(name).uppercased().replacingOccurrences(of: "Ñ", with: "X").filter { $0 >= "A" && $0 <= "Z" })
    }

    static func ascii<S: StringProtocol>(_ text: S) -> String {
        String(text).replacingOccurrences(of: "ñ", with: "x").replacingOccurrences(of: "Ñ", with: "X")
            .folding(options: [.diacriticInsensitive], locale: nil)
    }
}
