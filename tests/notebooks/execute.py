#!/usr/bin/python3
"""Executes a notebook with nbclient, keeping outputs that Deno's kernel
publishes after it reports idle.

Deno's Jupyter kernel (2.9) sometimes sends `status: idle` on IOPub before
the cell's `execute_result` (seen with a raw jupyter_client: busy,
execute_input, idle, execute_result). nbclient stops listening at idle, so
the result is lost (NOTES-deno.md: "headless execution sometimes drops cell
outputs"). This runner listens a little longer when a cell has no result
yet, and keeps what arrives for that cell.

Usage: execute.py IN.ipynb OUT.ipynb [--kernel NAME] [--timeout SECONDS] [--grace SECONDS]
Exit status 1 when a cell fails (the error is printed), 0 otherwise.
"""
import argparse
import asyncio
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async


class GraceClient(NotebookClient):
    grace = 1.5

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    break
        # Late messages of this cell (the kernel's idle may come before its result).
        deadline = time.monotonic() + self.grace
        while not any(o.get("output_type") == "execute_result" for o in cell.get("outputs", [])):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=left))
            except Exception:  # queue.Empty: nothing more came
                break
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--kernel", default="deno-gaia")
    p.add_argument("--timeout", type=int, default=600)
    p.add_argument("--grace", type=float, default=1.5)
    a = p.parse_args()
    nb = nbformat.read(a.input, as_version=4)
    client = GraceClient(nb, kernel_name=a.kernel, timeout=a.timeout, allow_errors=False,
                         resources={"metadata": {"path": __import__("os").path.dirname(__import__("os").path.abspath(a.input))}})
    client.grace = a.grace
    status = 0
    try:
        client.execute()
    except CellExecutionError as e:
        print(str(e), file=sys.stderr)
        status = 1
    except Exception as e:  # kernel died, timeout, ...
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        status = 1
    nbformat.write(nb, a.output)
    return status


if __name__ == "__main__":
    sys.exit(main())
