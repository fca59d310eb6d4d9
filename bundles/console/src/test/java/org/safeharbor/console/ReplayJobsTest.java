package org.safeharbor.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.fhir.replay.ReferralReplay;
import org.safeharbor.store.Operations;

/** A bulk replay running when the console stops ends after the message it is moving, and is never interrupted. */
class ReplayJobsTest {

    @Test
    void aJobRunningWhenTheConsoleStopsEndsAfterItsMessageWithoutAnInterrupt() throws Exception {
        CountDownLatch firstMoved = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch ended = new CountDownLatch(1);
        ReferralReplay replay = new ReferralReplay() {
            @Override
            public List<Queued> replayDeadLetters(Jurisdiction jurisdiction, String requestedBy, Progress progress) {
                List<Queued> moved = new ArrayList<>();
                try {
                    progress.moved(0, 5);
                    for (int i = 1; i <= 5; i++) {
                        moved.add(new Queued("rp-" + i, new ReferralId("dl-" + i), jurisdiction));
                        if (i == 2) {
                            firstMoved.countDown();
                            // the console stops while this message is being moved (a store write, a broker commit)
                            closed.await(10, TimeUnit.SECONDS);
                            interrupted.set(Thread.currentThread().isInterrupted());
                        }
                        progress.moved(i, 5);
                    }
                    return moved;
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw new IllegalStateException(e);
                } finally {
                    ended.countDown();
                }
            }

            @Override
            public List<Queued> replayDeadLetters(Jurisdiction jurisdiction, String requestedBy) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Queued replay(ReferralId referralId, Jurisdiction jurisdiction, Source source, Integer attempt, String requestedBy) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<DeadLetter> deadLetters(Jurisdiction jurisdiction) {
                return List.of();
            }
        };
        ReplayJobs jobs = new ReplayJobs(replay, new Operations(Clock.systemUTC()), Clock.systemUTC());
        ReplayJobs.Job job = jobs.start(Jurisdiction.of("US-IL"), "operator").job();
        assertTrue(firstMoved.await(10, TimeUnit.SECONDS));
        jobs.close();
        closed.countDown();
        assertTrue(ended.await(10, TimeUnit.SECONDS));
        assertFalse(interrupted.get(), "the job's thread was interrupted");
        for (int i = 0; i < 100 && job.finished == null; i++) {
            Thread.sleep(50);
        }
        assertEquals(ReplayJobs.State.FAILED, job.state, "ended, and the page says it did not finish");
        assertEquals(2, job.done, "stopped after the message it was moving");
    }
}
