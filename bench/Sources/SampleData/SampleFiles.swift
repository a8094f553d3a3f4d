import Capacita
import Foundation

/// Writes realistic groups and enrollment files: accented names with two surnames, valid CURPs,
/// the 13 member agencies under their current and former names, every way of writing a tier,
/// groups of at most 40 people. The same seed writes the same bytes.
public struct SampleFiles: Sendable {
    public var rows: Int
    public var people: Int
    public var seed: UInt64
    public var firstYear: Int
    public var years: Int
    public var groupSize: Int
    /// Rows whose CURP gets a wrong check digit, spread through the file.
    public var badRows: Int
    /// Courses the groups are of, in turn.
    public var courses: [String]

    public init(
        rows: Int, people: Int? = nil, seed: UInt64 = 2022, firstYear: Int = 2024, years: Int = 1, groupSize: Int = 40,
        badRows: Int = 0, courses: [String] = ["PNC22-BAS", "PNC22-SENS"]
    ) {
        self.rows = rows
        self.people = max(groupSize + 1, people ?? max(rows * 3 / 10, 1))
        self.seed = seed
        self.firstYear = firstYear
        self.years = years
        self.groupSize = groupSize
        self.badRows = badRows
        self.courses = courses
    }

    public var groupCount: Int { (rows + groupSize - 1) / groupSize }

    public func groupCode(_ index: Int) -> String { "G\(firstYear)-\(index)" }

    /// The population, generated from the seed.
    public func population() -> [SamplePerson] {
        var random = SeededGenerator(seed: seed)
        var seen = Set<String>()
        var persons: [SamplePerson] = []
        persons.reserveCapacity(people)
        while persons.count < people {
            let person = SamplePerson.make(&random)
            if seen.insert(person.curp).inserted { persons.append(person) }
        }
        return persons
    }

    public func writeGroups(to path: String) throws {
        var random = SeededGenerator(seed: seed &+ 1)
        var out = BufferedWriter(path: path)
        out.write(
            "grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos\n")
        for index in 0..<groupCount {
            let year = firstYear + index % max(years, 1)
            let month = 1 + Int(random.next() % 11)
            let day = 1 + Int(random.next() % 25)
            let start = CalendarDate(year: year, month: month, day: day)!
            let end = CalendarDate(year: year, month: month, day: day + 3)!
            out.write(
                "\(groupCode(index)),\(courses[index % courses.count]),,\(random.pick(SamplePerson.agencies)),\(start),\(end),presencial,,\(groupSize),,\n"
            )
        }
        try out.close()
    }

    /// Row r joins group r / groupSize; people are spread so no one appears twice in a group.
    public func writeEnrollment(to path: String, population: [SamplePerson]? = nil) throws {
        let persons = population ?? self.population()
        var random = SeededGenerator(seed: seed &+ 2)
        var out = BufferedWriter(path: path)
        out.write("CURP,Nombre(s),Apellido Paterno,Apellido Materno,Sexo,Correo,Dependencia,Nivel,Puesto,Grupo\r\n")
        let badEvery = badRows > 0 ? max(1, rows / badRows) : 0
        var bad = 0
        for row in 0..<rows {
            let person = persons[(row &* 7919) % persons.count]
            var curp = person.curp
            if badEvery > 0, row % badEvery == 0, bad < badRows {
                let digit = curp.last!.wholeNumberValue!
                curp = String(curp.dropLast()) + String((digit + 1) % 10)
                bad += 1
            }
            let fields = [
                curp, person.givenNames, person.firstSurname, person.secondSurname, person.sex.rawValue, person.email,
                person.agencyWriting(&random), person.tier, person.position, groupCode(row / groupSize),
            ]
            out.write(fields.map(Self.quoted).joined(separator: ",") + "\r\n")
        }
        try out.close()
    }

    static func quoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == ";" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}

/// Appends text to a file through a 1 MiB buffer.
struct BufferedWriter {
    private let handle: FileHandle?
    private var buffer = Data()

    init(path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = FileHandle(forWritingAtPath: path)
        buffer.reserveCapacity(1 << 20)
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    private mutating func flush() {
        handle?.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        flush()
        try handle?.close()
    }
}
