import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@testable import CapacitaServer

/// A ficha's YAML is read bounded and away from the request threads (issue 25): each hostile
/// body gets 422 with a Spanish reason over real HTTP, and the service still answers after each.
@Suite struct HostileYAMLTests {
    static let bodies: [(name: String, text: String)] = {
        var keys = ""
        for index in 0..<100_000 { keys += "k\(index): 1\n" }
        return [
            ("clave lista", "[a]: 1\n"),
            ("clave mapa", "? {a: 1}\n: 2\n"),
            ("clave mapa en flujo", "{a: 1}: 2\n"),
            ("990 guiones", String(repeating: "- ", count: 990) + "x\n"),
            (
                "481 niveles en 40 líneas",
                String(repeating: "- ", count: 481) + "x\n"
                    + String(repeating: String(repeating: " ", count: 960) + "- x\n", count: 39)
            ),
            ("100000 claves", keys),
            ("corchetes anidados", String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)),
            ("pares en listas", String(repeating: "[a: ", count: 300) + "1" + String(repeating: "]", count: 300)),
            ("anclas y alias", "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b]\n"),
            ("etiqueta", "dependencia: !!binary aGVsbG8=\n"),
        ]
    }()

    @Test func eachHostileFichaIsRefusedAndTheServiceGoesOn() async throws {
        try await withService { served in
            for (name, text) in Self.bodies {
                let response = try await served.send(.put, "/v1/fichas/SICT/2024", as: .sict, body: text)
                let expected: [HTTPResponse.Status] =
                    text.utf8.count > 1 << 20 ? [.contentTooLarge] : [.unprocessableContent]
                #expect(expected.contains(response.status), "\(name): \(response.status) \(response.text.prefix(200))")
                let error = (try? response.json() as? [String: Any])?["error"] as? [String: Any]
                let message = error?["message"] as? String ?? ""
                #expect(message.hasPrefix("la ficha, ") || message.hasPrefix("la ficha no es"), "\(name): \(message)")
                #expect(
                    ["anida", "admiten", "clave", "valores", "pasa de"].contains { message.contains($0) },
                    "\(name): \(message)")
                #expect(try await served.send(.get, "/health", as: nil).status == .ok, "after \(name)")
            }
            // A real ficha still goes in, written from the tree the bounded reader built.
            let ficha = try String(
                contentsOf: TestDatabase.projectRoot.appendingPathComponent("examples/fichas/sict-2024.yaml"),
                encoding: .utf8)
            let put = try await served.send(.put, "/v1/fichas/SICT/2024", as: .sict, body: ficha)
            #expect(put.status == .ok, "\(put.text)")
            let stored = try await served.send(.get, "/v1/fichas/SICT/2024", as: .sict)
            let json = try #require(try stored.json() as? [String: Any])
            #expect(json["total"] as? Int == 60)
        }
    }

    /// The parse gate: past its slots a request is told to try again (503), and past the deadline
    /// the request is answered (503) while the work finishes on its own thread, its slot held
    /// until then. Driven by semaphores, not by timing.
    @Test func parsesBeyondTheSlotsOrTheDeadlineAre503() async throws {
        let gate = BoundedWork(slots: 1, deadline: .milliseconds(50))
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        await #expect(throws: APIError.self) {
            _ = try await gate.run { () -> Int in
                release.wait()
                finished.signal()
                return 1
            }
        }
        // The first parse still holds the only slot.
        do {
            _ = try await gate.run { 2 }
            Issue.record("a second parse ran while the slot was taken")
        } catch let error as APIError {
            #expect(error.status == .serviceUnavailable)
        }
        release.signal()
        finished.wait()
        // Its thread gives the slot back as it ends; wait for that (bounded) rather than guess.
        var answer: Int?
        for _ in 0..<200 where answer == nil {
            answer = try? await gate.run { 3 }
            if answer == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(answer == 3)
    }
}
