// SPDX-License-Identifier: MIT
// EpollDispatcher drives a thread as Qt's own dispatchers do: timers (single-shot, repeating,
// restarted, stopped from their own handler), sockets (read and write readiness), posted
// events and cross-thread wake-ups, and quit().
#include "http/epolldispatcher.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace std::chrono_literals;

class tst_Dispatcher : public QObject
{
    Q_OBJECT
private:
    //! Runs `setup` on a fresh thread driven by an EpollDispatcher, with an object living there
    //! (for parents and contexts); returns when the thread quit.
    static void onEpollThread(const std::function<void(QThread *, QObject *)> &setup)
    {
        QThread thread;
        auto *dispatcher = new qradio::http::EpollDispatcher;
        QVERIFY(dispatcher->isValid());
        thread.setEventDispatcher(dispatcher);
        thread.start();
        auto *context = new QObject;
        context->moveToThread(&thread);
        QMetaObject::invokeMethod(context, [&] {
            QCOMPARE(QThread::currentThread()->eventDispatcher(), dispatcher);
            setup(&thread, context);
        }, Qt::BlockingQueuedConnection);
        QVERIFY(thread.wait(10000));
        delete context; // with what setup parented to it; its thread has finished
    }

private slots:
    void timers()
    {
        std::atomic<int> single{0}, repeated{0}, stopped{0};
        std::atomic<qint64> singleAfter{0};
        onEpollThread([&](QThread *thread, QObject *here) {
            auto *clock = new QElapsedTimer;
            clock->start();
            QTimer::singleShot(50ms, here, [&, clock] { ++single; singleAfter = clock->elapsed(); });
            auto *repeat = new QTimer(here);
            repeat->setInterval(10ms);
            QObject::connect(repeat, &QTimer::timeout, repeat, [&, repeat] {
                if (++repeated == 5)
                    repeat->stop(); // stopped from its own handler
            });
            repeat->start();
            // A timer restarted before it fires fires once, later.
            auto *restarted = new QTimer(here);
            restarted->setSingleShot(true);
            QObject::connect(restarted, &QTimer::timeout, restarted, [&] { ++stopped; });
            restarted->start(30ms);
            restarted->start(80ms);
            QCOMPARE_GT(restarted->remainingTime(), 40);
            QTimer::singleShot(200ms, here, [thread, clock] {
                delete clock;
                thread->quit();
            });
        });
        QCOMPARE(single.load(), 1);
        QVERIFY2(singleAfter >= 45, QByteArray::number(singleAfter.load()));
        QCOMPARE(repeated.load(), 5);
        QCOMPARE(stopped.load(), 1);
    }

    void socketsAndPostedEvents()
    {
        // A listener, a client and the accepted socket, all on the epoll thread: accepting,
        // connecting (write readiness), reading and writing go through its notifiers.
        QByteArray reply;
        std::atomic<bool> posted{false};
        onEpollThread([&](QThread *thread, QObject *here) {
            auto *listener = new QTcpServer(here);
            QVERIFY(listener->listen(QHostAddress::LocalHost, 0));
            QObject::connect(listener, &QTcpServer::newConnection, listener, [listener] {
                QTcpSocket *accepted = listener->nextPendingConnection();
                QObject::connect(accepted, &QTcpSocket::readyRead, accepted, [accepted] {
                    if (accepted->readAll().contains("ping"))
                        accepted->write(QByteArray(100000, 'p')); // more than one write readiness
                });
            });
            auto *client = new QTcpSocket(here);
            QObject::connect(client, &QTcpSocket::connected, client, [client] { client->write("ping"); });
            QObject::connect(client, &QTcpSocket::readyRead, client, [&, client, thread] {
                reply += client->readAll();
                if (reply.size() >= 100000 && posted)
                    thread->quit();
            });
            client->connectToHost(QHostAddress::LocalHost, listener->serverPort());
            // Posted from another thread while the loop waits: the eventfd wakes it.
            std::thread([&, here] {
                QThread::msleep(20);
                QMetaObject::invokeMethod(here, [&] { posted = true; }, Qt::QueuedConnection);
            }).detach();
            QTimer::singleShot(8s, here, [thread] { thread->quit(); }); // a guard against a hang, not a timing check
        });
        QVERIFY(posted.load());
        QCOMPARE(reply, QByteArray(100000, 'p'));
    }
};

QTEST_GUILESS_MAIN(tst_Dispatcher)
#include "tst_dispatcher.moc"
