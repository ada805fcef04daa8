"""A TCP proxy (asyncio, in a thread of its own) that can make a database HANG, not refuse: on
`stall()` it stops forwarding bytes in both directions but keeps every socket open and keeps
accepting new connections (which then see no answer either); `resume()` forwards again, with what
was held back. Only a hang exposes missing statement, socket and pool timeouts; a refused or cut
connection fails at once."""

from __future__ import annotations

import asyncio
import threading


class HangingProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._flowing: asyncio.Event | None = None
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.AbstractServer | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._writers: set[asyncio.StreamWriter] = set()

    def __enter__(self) -> HangingProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _shutdown(self) -> None:
        self._server.close()  # type: ignore[union-attr]
        for writer in list(self._writers):
            writer.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stall(self) -> None:
        """Stop forwarding (sockets stay open, new connections are accepted and left waiting)."""
        self._loop.call_soon_threadsafe(self._flowing.clear)  # type: ignore[union-attr]

    def resume(self) -> None:
        self._loop.call_soon_threadsafe(self._flowing.set)  # type: ignore[union-attr]

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self._writers.add(client_w)
        try:
            await self._flowing.wait()  # type: ignore[union-attr]
            up_r, up_w = await asyncio.open_connection(*self.target)
        except OSError:
            client_w.close()
            return
        self._writers.add(up_w)
        await asyncio.gather(self._pump(client_r, up_w), self._pump(up_r, client_w), return_exceptions=True)

    async def _pump(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(65536):
                await self._flowing.wait()  # type: ignore[union-attr]
                dst.write(data)
                await dst.drain()
        finally:
            dst.close()
