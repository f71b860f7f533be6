"""A client for any OpenAI-compatible chat endpoint (llama.cpp server, Ollama, vLLM, a
hosted API), shared by the LLM summary backend and the LLM translation engine.

Two promises to the pipeline, which calls it from its worker thread:

- **One request never takes longer than the timeout.** The whole exchange (connect,
  send, every byte of the answer) runs under one ``asyncio.wait_for`` deadline, so an
  endpoint that drips its answer cannot hold a story's refresh past it.
- **A failing endpoint is not asked again for every story.** After a failure (timeout,
  refused connection, HTTP error, an answer that is not the documented JSON) the client
  answers "unavailable" at once for ``cooldown_seconds``, so a dead endpoint costs one
  timeout per cooldown instead of one per story; callers fall back meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

# A chat answer of a few bullets is a few kB; anything near this is not an answer.
_MAX_RESPONSE_BYTES = 2_000_000


class LlmUnavailable(Exception):
    """The endpoint failed, timed out or answered something unusable; ``str()`` says why."""


@dataclass(slots=True)
class LlmEndpoint:
    url: str
    model: str
    api_key: str | None = field(default=None, repr=False)  # never in logs or tracebacks
    timeout_seconds: float = 30.0
    cooldown_seconds: float = 300.0
    _unavailable_until: float = field(default=0.0, repr=False)
    _last_failure: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings: Any) -> LlmEndpoint | None:
        """The endpoint the settings name, or None when no URL and model are set."""
        if not settings.llm_url or not settings.llm_model:
            return None
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return cls(
            url=settings.llm_url,
            model=settings.llm_model,
            api_key=key,
            timeout_seconds=settings.llm_timeout_seconds,
        )

    @property
    def name(self) -> str:
        """How summaries and translations name their maker: ``llm:<model>``."""
        return f"llm:{self.model}"

    @property
    def chat_url(self) -> str:
        base = self.url.rstrip("/")
        if base.endswith("/chat/completions"):
            return base
        # Both "http://host:8080" and "http://host:11434/v1" are common ways to write it.
        return f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"

    def chat(self, system: str, user: str, *, max_tokens: int = 700) -> str:
        """The assistant's answer to one system + user message; raises ``LlmUnavailable``."""
        now = time.monotonic()
        if now < self._unavailable_until:
            raise LlmUnavailable(
                f"endpoint skipped for {self._unavailable_until - now:.0f} s more after: "
                f"{self._last_failure}"
            )
        payload = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": 0,
            "max_tokens": max_tokens,
            "stream": False,
        }
        try:
            body = _run(self._post(payload))
            return _answer_text(body)
        except LlmUnavailable as error:
            self._fail(str(error))
            raise
        except TimeoutError:
            reason = f"no complete answer within {self.timeout_seconds:g} s"
            self._fail(reason)
            raise LlmUnavailable(reason) from None
        except httpx.HTTPError as error:
            reason = f"{type(error).__name__}: {error}".rstrip(": ")
            self._fail(reason)
            raise LlmUnavailable(reason) from error

    def _fail(self, reason: str) -> None:
        self._last_failure = reason
        self._unavailable_until = time.monotonic() + self.cooldown_seconds

    async def _post(self, payload: dict[str, Any]) -> bytes:
        return await asyncio.wait_for(self._exchange(payload), self.timeout_seconds)

    async def _exchange(self, payload: dict[str, Any]) -> bytes:
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        timeout = httpx.Timeout(self.timeout_seconds)
        async with (
            httpx.AsyncClient(timeout=timeout) as client,
            client.stream("POST", self.chat_url, json=payload, headers=headers) as response,
        ):
            chunks = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > _MAX_RESPONSE_BYTES:
                    raise LlmUnavailable(f"answer larger than {_MAX_RESPONSE_BYTES} bytes")
                chunks.append(chunk)
            body = b"".join(chunks)
            if response.status_code >= 400:
                detail = body[:200].decode("utf-8", "replace").strip()
                raise LlmUnavailable(f"HTTP {response.status_code}: {detail}")
            return body


def _run(coroutine: Coroutine[Any, Any, bytes]) -> bytes:
    """Run the request to completion from synchronous code — also when this thread
    already runs an event loop (an async caller), by giving it a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _answer_text(body: bytes) -> str:
    """``choices[0].message.content`` of an OpenAI chat completion, or LlmUnavailable."""
    try:
        data = json.loads(body)
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        snippet = body[:120].decode("utf-8", "replace")
        raise LlmUnavailable(f"not an OpenAI chat completion: {snippet!r}") from None
    if not isinstance(content, str) or not content.strip():
        raise LlmUnavailable("empty answer")
    return content
