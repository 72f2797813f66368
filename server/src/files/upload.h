// SPDX-License-Identifier: MIT
#pragma once

#include "../routes.h"
#include "uploadprogress.h"

#include <memory>

namespace qradio::files {

//! POST /gradio_api/upload: a multipart body written to disk as it arrives, each file under
//! a fresh unguessable folder of the upload folder with a sanitised name; answers the JSON
//! array of their paths (what both clients send back as FileData `path`). Any failure removes
//! what this request wrote. With `?upload_id=`, progress goes to `progress`.
void upload(const RouteContext &context, const std::shared_ptr<UploadProgress> &progress, http::Exchange *exchange);

//! GET /gradio_api/upload_progress?upload_id=: an event stream of that upload's progress.
void uploadProgress(const RouteContext &context, const std::shared_ptr<UploadProgress> &progress,
                    http::Exchange *exchange);

} // namespace qradio::files
