// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

class QSocketNotifier;

namespace qradio::detail {

//! Turns SIGINT, SIGTERM and SIGHUP into a Qt signal on the thread that owns this object.
//! The handler only writes a byte to a socketpair (async-signal-safe); a QSocketNotifier reads
//! it in the event loop. Every signal is reported until restoreDefaults(), which the owner calls
//! before it stops for good, so that one more Ctrl+C during a stuck stop ends the process.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    bool isActive() const { return m_notifier != nullptr; }
    //! Gives the signals their default actions back (they end the process from now on).
    void restoreDefaults();

Q_SIGNALS:
    void quitRequested(int signal);

private:
    void readSignal();
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace qradio::detail
