# SPDX-License-Identifier: MIT
"""The FastAPI baseline for bench/http: the two routes the benchmark drives, nothing else.

    GET  /health                -> {"status": "ok"}
    POST /gradio_api/run/add    {"data": [a, b]} -> {"data": [a + b]}
    GET  /bench/stream/{n}      n Server-Sent Events shaped like Gradio's process_generating
                                frames, then process_completed and close_stream (bench/queue's
                                baseline for streamed events per second; n <= 1,000,000)

Started by bench/http/run as `python3 -m uvicorn fastapi_app:app --app-dir bench/http ...`
(Debian: python3-fastapi, python3-uvicorn, python3-uvloop); bench/queue starts it too.
"""

import json
from typing import List

from fastapi import FastAPI, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

app = FastAPI()


class Call(BaseModel):
    data: List[int]


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.post("/gradio_api/run/add")
async def add(call: Call):
    a, b = call.data
    return {"data": [a + b]}


@app.get("/bench/stream/{n}")
async def stream(n: int):
    """What a Gradio generator endpoint sends per value, minus the queue: one SSE frame each,
    encoded with json.dumps (compact, as Qradio writes them)."""
    if not 0 < n <= 1_000_000:
        raise HTTPException(status_code=400, detail="n must be in 1..1000000")

    async def frames():
        for i in range(n):
            yield "data: " + json.dumps({"msg": "process_generating", "event_id": "bench", "output": {
                "data": [i], "is_generating": True, "duration": 0.0, "average_duration": 0.0},
                "success": True}, separators=(",", ":")) + "\n\n"
        yield "data: " + json.dumps({"msg": "process_completed", "event_id": "bench", "output": {
            "data": [n - 1], "is_generating": False}, "success": True}, separators=(",", ":")) + "\n\n"
        yield 'data: {"msg":"close_stream"}\n\n'

    return StreamingResponse(frames(), media_type="text/event-stream")
