"""A TCP proxy between a browser and the app whose connections can be cut, as a
phone's Wi-Fi drops: what the browser sends while held never reaches the server."""

from __future__ import annotations

import socket
import threading


class CuttableLink:
    def __init__(self, target_port: int):
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._held = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hold(self) -> None:
        """From now on, drop what the browser sends (the radio click is lost on the way)."""
        self._held.set()

    def cut(self) -> None:
        """Close every connection; new ones go through again."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
            self._held.clear()
        for pair in pairs:
            _close(*pair)

    def close(self) -> None:
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:  # the app is down: the browser sees a refused connection and retries
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_browser: bool) -> None:
        while True:
            try:
                data = source.recv(65536)
                if not data:
                    break
                if from_browser and self._held.is_set():
                    continue
                sink.sendall(data)
            except OSError:
                break
        _close(source, sink)


def _close(*sockets: socket.socket) -> None:
    # shutdown first: close() alone does not end a recv() blocked in another thread, so
    # the other side would never see the connection go.
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
