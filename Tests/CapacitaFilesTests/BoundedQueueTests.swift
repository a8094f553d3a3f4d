import Foundation
import Synchronization
import Testing

@testable import CapacitaFiles

/// A consumer that stops early (a failed COPY, a cancelled or disconnected upload) must leave a
/// queue that is released cleanly, however full it was: before the fix, this trapped in libdispatch.
@Suite struct BoundedQueueStopTests {
    @Test func aConsumerThatStopsWithTheQueueFullReleasesItCleanly() {
        for _ in 0..<500 {
            let queue = BoundedQueue<Int>(capacity: 8)
            for value in 0..<8 { #expect(queue.send(value)) }
            #expect(queue.next() == 0)
            queue.stop()
            #expect(queue.next() == nil)
            #expect(!queue.send(99))
        }
    }

    @Test func aProducerWaitingForRoomIsWokenByStop() {
        for _ in 0..<100 {
            let queue = BoundedQueue<Int>(capacity: 2)
            let done = DispatchSemaphore(value: 0)
            let sent = Mutex(0)
            let producer = Thread {
                // Fills the queue, then waits for room on the third element until stop() wakes it.
                for value in 0..<3 {
                    guard queue.send(value) else { break }
                    sent.withLock { $0 += 1 }
                }
                done.signal()
            }
            producer.start()
            // Stop only once the queue is known to be full: two elements in, whatever the timing.
            while sent.withLock({ $0 }) < 2 { usleep(100) }
            queue.stop()
            done.wait()
            #expect(sent.withLock { $0 } == 2)
        }
    }
}
