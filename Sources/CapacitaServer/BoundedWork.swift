import Foundation
import Synchronization

/// Runs synchronous work (parsing a ficha's YAML, drawing a PDF) on a thread of its own, never on Swift's cooperative
/// pool or the server's event loops: a few at once (`slots`; past them the request is told to try
/// again, 503) and each within `deadline` (past it the request is answered 503 and the thread
/// finishes in the background, its slot taken until then, so a slow parse can never pile up
/// more threads than `slots`). The work itself is bounded (`BoundedYAML`); this keeps whatever it
/// costs off the threads that answer other requests.
final class BoundedWork: Sendable {
    let slots: Int
    let deadline: Duration
    /// What a request is told when every slot is taken, and when its work passed the deadline.
    let busyError: APIError
    let tooSlowError: APIError
    private let running = Mutex(0)

    init(slots: Int, deadline: Duration, busy: APIError = BoundedWork.busy, tooSlow: APIError = BoundedWork.tooSlow) {
        self.slots = max(1, slots)
        self.deadline = deadline
        self.busyError = busy
        self.tooSlowError = tooSlow
    }

    convenience init(_ configuration: ServerConfiguration) {
        self.init(slots: configuration.maxConcurrentParses, deadline: configuration.parseDeadline)
    }

    /// Stack for a parsing thread: Yams composes recursively, to the depth `BoundedYAML` allows.
    static let stackSize = 4 << 20

    static let busy = APIError(
        .serviceUnavailable, "busy", "el servicio está leyendo otros archivos; intente de nuevo en unos segundos")

    static let drawing = APIError(
        .serviceUnavailable, "busy", "el servicio está generando otros documentos; intente de nuevo en unos segundos")

    static let tooSlow = APIError(
        .serviceUnavailable, "busy",
        "el archivo tardó demasiado en leerse; intente de nuevo en unos segundos o envíelo más pequeño")

    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        guard take() else { throw busyError }
        return try await started(work)
    }

    /// As `run`, but while every slot is taken it tries again every `pause`, for up to `patience`,
    /// before answering busy: for work that is one part of a response already under way (a ZIP's
    /// next page), which can no longer answer 503.
    func run<T: Sendable>(
        patience: Duration, pause: Duration = .milliseconds(20), _ work: @escaping @Sendable () -> T
    ) async throws -> T {
        let clock = ContinuousClock()
        let until = clock.now + patience
        while !take() {
            guard clock.now < until else { throw busyError }
            try await Task.sleep(for: pause)
        }
        return try await started(work)
    }

    private func take() -> Bool {
        running.withLock { count in
            guard count < slots else { return false }
            count += 1
            return true
        }
    }

    /// `work` on a thread of its own, in a slot already taken.
    private func started<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        let answer = Answer<T>()
        return try await withCheckedThrowingContinuation { continuation in
            answer.wait(continuation)
            let thread = Thread { [self] in
                let value = work()
                running.withLock { $0 -= 1 }
                answer.give(.success(value))
            }
            thread.stackSize = Self.stackSize
            thread.name = "capacita-parse"
            thread.start()
            let (seconds, attoseconds) = deadline.components
            let milliseconds =
                Int(clamping: min(max(seconds, 0), 1 << 31)) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
                answer.give(.failure(self.tooSlowError))
            }
        }
    }

    /// The first of the work's value and the deadline resumes the request; the other is dropped.
    private final class Answer<T: Sendable>: Sendable {
        private let state = Mutex<(CheckedContinuation<T, any Error>?, Bool)>((nil, false))

        func wait(_ continuation: CheckedContinuation<T, any Error>) {
            state.withLock { $0.0 = continuation }
        }

        func give(_ result: Result<T, any Error>) {
            let waiting = state.withLock { state -> CheckedContinuation<T, any Error>? in
                guard !state.1, let continuation = state.0 else { return nil }
                state = (nil, true)
                return continuation
            }
            waiting?.resume(with: result)
        }
    }
}
