# SPDX-License-Identifier: MIT
"""The FastAPI baseline for bench/http: the two routes the benchmark drives, nothing else.

    GET  /health                -> {"status": "ok"}
    POST /gradio_api/run/add    {"data": [a, b]} -> {"data": [a + b]}

Started by bench/http/run as `python3 -m uvicorn fastapi_app:app --app-dir bench/http ...`
(Debian: python3-fastapi, python3-uvicorn, python3-uvloop).
"""

from typing import List

from fastapi import FastAPI
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
