// SPDX-License-Identifier: MIT
#pragma once

//! \file singleinstance.h
//! qradio::SingleInstance — one running copy per user and app id; later launches hand over to it.

#include <QObject>
#include <QString>

#include <memory>

class QLocalServer;

namespace qradio {

//! \code
//! qradio::SingleInstance instance(QStringLiteral("calculator"));
//! if (!instance.claim())
//!     return 0;                      // the running copy was asked to come to the front
//! QObject::connect(&instance, &qradio::SingleInstance::activationRequested, window,
//!                  &qradio::DesktopWindow::bringToFront);
//! \endcode
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstance(const QString &appId, QObject *parent = nullptr);
    ~SingleInstance() override;

    //! Becomes the running instance and returns true, or, when another one already runs,
    //! asks it to come to the front and returns false.
    bool claim();
    //! The local socket name (abstract namespace; includes the user id).
    QString socketName() const { return m_name; }

Q_SIGNALS:
    //! Another launch asked this instance to show itself.
    void activationRequested();

private:
    bool activateRunning();
    QString m_name;
    std::unique_ptr<QLocalServer> m_server;
};

} // namespace qradio
