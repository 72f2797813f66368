// SPDX-License-Identifier: MIT
#pragma once
// launch_fixture as a child process, for the launcher tests that read what it prints.

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace launchtest {

inline constexpr int kTimeout = 30000;

//! A running launch_fixture and what it printed.
class ChildProcess
{
public:
    ChildProcess(const QStringList &args, const QProcessEnvironment &env)
    {
        m_process.setProcessEnvironment(env);
        m_process.start(QStringLiteral(LAUNCH_FIXTURE), args);
    }
    ~ChildProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    //! Waits until stdout (or stderr) has a line matching `pattern`, or the child ended.
    QRegularExpressionMatch waitForLine(const QString &pattern, bool fromStderr = false)
    {
        const QRegularExpression re(pattern, QRegularExpression::MultilineOption);
        [[maybe_unused]] const bool seen = QTest::qWaitFor([&] {
            collect();
            return re.match(fromStderr ? m_err : m_out).hasMatch() || m_process.state() == QProcess::NotRunning;
        }, kTimeout);
        collect();
        return re.match(fromStderr ? m_err : m_out);
    }
    quint16 waitForPort()
    {
        const auto m = waitForLine(QStringLiteral(R"(^Running on local URL: http://127\.0\.0\.1:(\d+)$)"));
        return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    }
    void signal(int sig) { ::kill(pid_t(m_process.processId()), sig); }
    //! Exit code once it ended by itself, or -1.
    int waitForExit()
    {
        if (!m_process.waitForFinished(kTimeout) || m_process.exitStatus() != QProcess::NormalExit)
            return -1;
        collect();
        return m_process.exitCode();
    }
    const QString &out() { collect(); return m_out; }
    const QString &err() { collect(); return m_err; }

private:
    void collect()
    {
        m_out += QString::fromLocal8Bit(m_process.readAllStandardOutput());
        m_err += QString::fromLocal8Bit(m_process.readAllStandardError());
    }
    QProcess m_process;
    QString m_out;
    QString m_err;
};

//! No display, no Gradio variables, a scratch home for settings.
inline QProcessEnvironment headlessEnv()
{
    static QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "GRADIO_SERVER_PORT", "GRADIO_SERVER_NAME",
                            "GRADIO_MCP_SERVER", "QT_LOGGING_RULES", "QRADIO_DESKTOP_MODULE", "QRADIO_DEV_URL"})
        env.remove(QString::fromLatin1(var));
    for (const char *var : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"})
        env.insert(QString::fromLatin1(var), home.filePath(QString::fromLatin1(var)));
    return env;
}

//! A display (offscreen) for the window.
inline QProcessEnvironment windowEnv()
{
    QProcessEnvironment env = headlessEnv();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("QTWEBENGINE_DISABLE_SANDBOX"), QStringLiteral("1"));
    return env;
}

inline bool portIsFree(quint16 port)
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, port);
}

} // namespace launchtest
