// SPDX-License-Identifier: MIT
#include "statusview.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace qradio::detail {

StatusView::StatusView(QWidget *parent)
    : QWidget(parent), m_title(new QLabel(this)), m_details(new QLabel(this)),
      m_progress(new QProgressBar(this)), m_retry(new QPushButton(tr("Retry"), this))
{
    setObjectName(QStringLiteral("qradio-status"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setWordWrap(true);
    m_details->setAlignment(Qt::AlignCenter);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);   // so the user can copy the error
    m_details->setMaximumWidth(640);
    m_progress->setRange(0, 0);                                     // indeterminate
    m_progress->setTextVisible(false);
    m_progress->setFixedSize(240, 6);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(m_title);
    layout->addSpacing(12);
    layout->addWidget(m_details, 0, Qt::AlignHCenter);
    layout->addWidget(m_progress, 0, Qt::AlignHCenter);
    layout->addSpacing(12);
    layout->addWidget(m_retry, 0, Qt::AlignHCenter);
    layout->addStretch(3);
    connect(m_retry, &QPushButton::clicked, this, &StatusView::retryRequested);
    showLoading(QString());
}

void StatusView::showLoading(const QString &title)
{
    m_title->setText(title);
    m_details->setText(tr("Loading…"));
    m_progress->show();
    m_retry->hide();
}

void StatusView::showError(const QString &title, const QString &details, bool canRetry)
{
    m_title->setText(title);
    m_details->setText(details);
    m_progress->hide();
    m_retry->setVisible(canRetry);
}

QString StatusView::text() const
{
    return m_title->text() + QLatin1Char('\n') + m_details->text();
}

} // namespace qradio::detail
