// SPDX-License-Identifier: MIT
// The scheduler (queue/scheduler.h) driven directly: who starts next, limits per concurrency
// group, batches, fairness between groups, and the estimates sent to waiting calls.
#include "queue/scheduler.h"

#include <QtTest>

using namespace qradio;
using namespace qradio::queue;
using namespace Qt::StringLiterals;

class tst_Scheduler : public QObject
{
    Q_OBJECT
private:
    static std::shared_ptr<EndpointSpec> endpoint(int id, std::optional<int> limit = std::nullopt,
                                                  const QString &group = {})
    {
        auto spec = std::make_shared<EndpointSpec>();
        spec->id = id;
        spec->name = u"fn%1"_s.arg(id);
        spec->concurrencyLimit = limit;
        spec->concurrencyId = group;
        return spec;
    }
    static JobPtr job(const std::shared_ptr<const EndpointSpec> &spec, const QString &id)
    {
        auto j = std::make_shared<Job>();
        j->eventId = id;
        j->endpoint = spec;
        j->groupKey = Scheduler::groupOf(*spec);
        return j;
    }
    //! Event ids of the calls allowed to start now, in order.
    static QStringList startAll(Scheduler &s)
    {
        QStringList started;
        while (JobPtr j = s.next())
            started << j->eventId;
        return started;
    }

private slots:
    void defaultLimitOfOneRunsCallsInOrder()
    {
        Scheduler s;
        auto fn = endpoint(0);
        s.setEndpoints({fn}, 1);
        for (const QString &id : {u"a"_s, u"b"_s, u"c"_s})
            s.add(job(fn, id));
        QCOMPARE(s.waitingCount(), 3);
        QCOMPARE(startAll(s), QStringList{u"a"_s});
        QCOMPARE(s.running(Scheduler::groupOf(*fn)), 1);
        QVERIFY(!s.next());
        s.release(Scheduler::groupOf(*fn));
        QCOMPARE(startAll(s), QStringList{u"b"_s});
        s.release(Scheduler::groupOf(*fn));
        QCOMPARE(startAll(s), QStringList{u"c"_s});
        QCOMPARE(s.waitingCount(), 0);
    }

    void startedCallsAreMarkedRunning()
    {
        Scheduler s;
        auto fn = endpoint(0);
        s.setEndpoints({fn}, 1);
        JobPtr j = job(fn, u"a"_s);
        s.add(j);
        QCOMPARE(s.next(), j);
        QCOMPARE(j->state, Job::State::Running);
        QVERIFY(j->clock.isValid());
    }

    void limitsPerEndpointAndUnlimited()
    {
        Scheduler s;
        auto two = endpoint(0, 2);
        auto unlimited = endpoint(1, 0);
        s.setEndpoints({two, unlimited}, 1);
        QCOMPARE(s.limit(Scheduler::groupOf(*two)), 2);
        QCOMPARE(s.limit(Scheduler::groupOf(*unlimited)), 0);
        for (int i = 0; i < 5; ++i) {
            s.add(job(two, u"t%1"_s.arg(i)));
            s.add(job(unlimited, u"u%1"_s.arg(i)));
        }
        const QStringList started = startAll(s);
        QCOMPARE(started.filter(u"t"_s).size(), 2);
        QCOMPARE(started.filter(u"u"_s).size(), 5);
        QCOMPARE(s.waitingCount(), 3);
        // An unlimited group is still bounded by threads.
        QVERIFY(s.pool(Scheduler::groupOf(*unlimited)).maxThreadCount() >= 40);
        QCOMPARE(s.pool(Scheduler::groupOf(*two)).maxThreadCount(), 2);
    }

    void sharedGroupTakesTheLowestLimit()
    {
        Scheduler s;
        auto a = endpoint(0, 3, u"gpu"_s);
        auto b = endpoint(1, 1, u"gpu"_s);
        auto c = endpoint(2, std::nullopt, u"gpu"_s); // the default (5) is not lower than 1
        s.setEndpoints({a, b, c}, 5);
        QCOMPARE(Scheduler::groupOf(*a), u"gpu"_s);
        QCOMPARE(s.limit(u"gpu"_s), 1);
        s.add(job(a, u"a"_s));
        s.add(job(b, u"b"_s));
        QCOMPARE(startAll(s), QStringList{u"a"_s});
        QCOMPARE(s.running(u"gpu"_s), 1);
    }

    void groupsTakeTurns()
    {
        Scheduler s;
        auto a = endpoint(0, 0);
        auto b = endpoint(1, 0);
        s.setEndpoints({a, b}, 1);
        for (int i = 0; i < 3; ++i)
            s.add(job(a, u"a%1"_s.arg(i)));
        for (int i = 0; i < 3; ++i)
            s.add(job(b, u"b%1"_s.arg(i)));
        // One start per group per round, not all of the first group first.
        QCOMPARE(startAll(s), (QStringList{u"a0"_s, u"b0"_s, u"a1"_s, u"b1"_s, u"a2"_s, u"b2"_s}));
    }

    void batchTakesWaitingCallsOfTheSameFunction()
    {
        Scheduler s;
        auto batched = endpoint(0, 1, u"shared"_s);
        batched->batch = true;
        batched->maxBatchSize = 3;
        auto other = endpoint(1, 1, u"shared"_s);
        s.setEndpoints({batched, other}, 1);
        s.add(job(batched, u"x1"_s));
        s.add(job(other, u"o1"_s));
        s.add(job(batched, u"x2"_s));
        s.add(job(batched, u"x3"_s));
        s.add(job(batched, u"x4"_s));
        JobPtr first = s.next();
        QCOMPARE(first->eventId, u"x1"_s);
        QStringList members;
        for (const JobPtr &m : std::as_const(first->batchMembers)) {
            members << m->eventId;
            QCOMPARE(m->state, Job::State::Running);
        }
        QCOMPARE(members, (QStringList{u"x1"_s, u"x2"_s, u"x3"_s}));
        QCOMPARE(s.waitingCount(), 2); // o1 and x4, in that order
        QVERIFY(!s.next());            // the group's one slot is the batch's
        s.release(u"shared"_s);
        QCOMPARE(s.next()->eventId, u"o1"_s);
        first->batchMembers.clear();
    }

    void removedCallsNeverStart()
    {
        Scheduler s;
        auto fn = endpoint(0);
        s.setEndpoints({fn}, 1);
        JobPtr a = job(fn, u"a"_s), b = job(fn, u"b"_s);
        s.add(a);
        s.add(b);
        QVERIFY(s.remove(a));
        QVERIFY(!s.remove(a));
        QCOMPARE(startAll(s), QStringList{u"b"_s});
    }

    void unknownGroupGetsTheDefaultLimit()
    {
        Scheduler s;
        s.setEndpoints({}, 2);
        auto late = endpoint(7);
        s.add(job(late, u"a"_s));
        s.add(job(late, u"b"_s));
        s.add(job(late, u"c"_s));
        QCOMPARE(startAll(s).size(), 2);
        QCOMPARE(s.limit(Scheduler::groupOf(*late)), 2);
    }

    void estimatesFollowGradio()
    {
        Scheduler s;
        auto fn = endpoint(0, 2);
        s.setEndpoints({fn}, 1);
        const QString g = Scheduler::groupOf(*fn);
        // No run finished yet: no estimate of time.
        QVERIFY(s.meanDuration(0).isNull());
        QVERIFY(s.estimation(g, 0, 0).rankEta.isNull());
        s.recordDuration(0, 1.0);
        s.recordDuration(0, 3.0);
        QCOMPARE(s.meanDuration(0).toDouble(), 2.0);
        for (int i = 0; i < 3; ++i)
            s.add(job(fn, u"w%1"_s.arg(i)));
        const auto estimates = s.estimations(g);
        QCOMPARE(estimates.size(), 3);
        for (int rank = 0; rank < 3; ++rank) {
            const JobEvent &e = estimates[rank].second;
            QCOMPARE(estimates[rank].first->eventId, u"w%1"_s.arg(rank));
            QCOMPARE(e.kind, JobEvent::Estimation);
            QCOMPARE(e.rank, rank);
            QCOMPARE(e.queueSize, 3);
            // The mean plus a share of it (mean / limit) for each call ahead.
            QCOMPARE(e.rankEta.toDouble(), 2.0 + 1.0 * rank);
        }
    }

    void shutdownForgetsWaitingCalls()
    {
        Scheduler s;
        auto fn = endpoint(0);
        s.setEndpoints({fn}, 1);
        s.add(job(fn, u"a"_s));
        s.add(job(fn, u"b"_s));
        s.shutdown(std::chrono::milliseconds(100));
        QCOMPARE(s.waitingCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_Scheduler)
#include "tst_scheduler.moc"
