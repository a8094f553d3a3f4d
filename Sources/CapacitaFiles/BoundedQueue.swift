import Dispatch
import Synchronization

/// A first-in first-out queue between one producing and one consuming thread, holding at most
/// `capacity` elements: a producer that gets ahead waits for room, so memory stays bounded.
/// Either side may `stop` it; the other side then gets false from `send` or nil from `next`.
final class BoundedQueue<Element: Sendable>: Sendable {
    private let state = Mutex<(elements: [Element], head: Int, stopped: Bool)>(([], 0, false))
    private let room: DispatchSemaphore
    private let ready = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        // libdispatch traps ("Semaphore object deallocated while in use") when a semaphore made
        // with value N is released below N: a consumer that stops with the queue full would take
        // the process down. Made with 0 and signalled up to the capacity, it may end at any count.
        room = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { room.signal() }
    }

    /// Queues an element, waiting for room; false once the queue is stopped.
    func send(_ element: Element) -> Bool {
        // Checked before waiting too: stop() wakes one wait, not every later one.
        guard !isStopped else { return false }
        room.wait()
        let open = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.elements.append(element)
            return true
        }
        if open { ready.signal() }
        return open
    }

    /// The next element, waiting for one; nil once the queue is stopped.
    func next() -> Element? {
        guard !isStopped else { return nil }
        ready.wait()
        let element = state.withLock { state -> Element? in
            guard !state.stopped else { return nil }
            let element = state.elements[state.head]
            state.head += 1
            if state.head > 64 {  // drop what was taken now and then, not at every element
                state.elements.removeFirst(state.head)
                state.head = 0
            }
            return element
        }
        if element != nil { room.signal() }
        return element
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    /// Wakes a side waiting on either end; from now on nothing goes in or out.
    func stop() {
        state.withLock { $0.stopped = true }
        room.signal()
        ready.signal()
    }
}
