// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace qradio::detail {

//! What the window shows instead of the page: a loading state, or a readable error with Retry.
//! A plain widget, so it works even when the page (or the server behind it) does not.
class StatusView : public QWidget
{
    Q_OBJECT
public:
    explicit StatusView(QWidget *parent = nullptr);

    void showLoading(const QString &title);
    void showError(const QString &title, const QString &details, bool canRetry);
    QString text() const;

Q_SIGNALS:
    void retryRequested();

private:
    QLabel *m_title;
    QLabel *m_details;
    QProgressBar *m_progress;
    QPushButton *m_retry;
};

} // namespace qradio::detail
