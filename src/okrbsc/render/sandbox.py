"""The Jinja environment templates render in, and its bounds (SPEC 12.1, 12.3).

A template from ``--templates DIR`` may come from a pull request, so it is
untrusted code: it renders in Jinja's sandbox (it reaches the report's data and
filters, never Python objects, modules or files), reads templates only from
``DIR`` itself (a symlink that leaves the folder is refused, a path outside it
is "not found"), and a render of the user's templates is bounded (the
templates okrbsc ships render any size of repo; the checks on operations and
nesting hold for them too):

* output: at most :data:`OUTPUT_BYTES` (64 MiB, counted as UTF-8) -- the render
  is streamed and counted chunk by chunk; string and list repetition, ``+``,
  ``~``, ``%`` formatting, padding (``center``, ``indent``, ``ljust``...) and
  ``replace`` are checked *before* they build their result, so no single
  operation can allocate more than that;
* numbers: an integer result of ``*`` or ``**`` of more than :data:`INT_BITS`
  bits (about 20,000 digits) is refused before it is computed;
* time: :data:`SECONDS` (10 s of CPU time) per document, checked between output chunks, on
  every ``range`` step and, on the main thread of a POSIX system, by a timer
  signal that also stops a loop that writes nothing;
* size: a template file of at most :data:`TEMPLATE_BYTES` (256 KiB; okrbsc's
  largest is 20 KiB), as compiling one costs ~40 times its size in memory;
* nesting: includes, extends and macro calls at most :data:`MAX_DEPTH` deep; a
  template that includes itself ends there, not in a RecursionError;
* memory, as a last resort on Linux: the address space may grow at most
  :data:`HEADROOM_BYTES` during a render (``RLIMIT_AS``), so an operation not
  foreseen above fails with MemoryError instead of taking the machine.

Every bound ends the render with a :class:`TemplateLimit` naming the template
(and its line where known); the command reports it with exit 2.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, overload

from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemLoader,
    Template,
    TemplateNotFound,
    TemplateRuntimeError,
)
from jinja2.compiler import CodeGenerator, Frame
from jinja2.loaders import split_template_path
from jinja2.nodes import Concat
from jinja2.runtime import Macro
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment

OUTPUT_BYTES = 64 * 1024 * 1024
TEMPLATE_BYTES = 256 * 1024  # compiling 1 MiB of template takes ~10 s and ~800 MiB
SECONDS = 10.0
INT_BITS = 65_536
MAX_DEPTH = 64
HEADROOM_BYTES = 512 * 1024 * 1024
_MIB = 1024 * 1024


class TemplateLimit(TemplateRuntimeError):
    """A template that went past one of the bounds, or could not be read.

    ``where`` names the template (``path`` or ``path:line``) when the traceback
    of the failure does not.
    """

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.where = where


def _too_long(what: str) -> TemplateLimit:
    return TemplateLimit(f"{what} would pass the output limit of {OUTPUT_BYTES // _MIB} MiB")


# --- reading templates ---------------------------------------------------------------------


class FolderLoader(BaseLoader):
    """Templates of one folder, resolved: never a file outside it.

    A name with a ``..`` part or an absolute one is "not found" (Jinja's own
    rule); a name that resolves outside the folder through a symlink, or to
    something that is not a regular file (a FIFO, a device), is refused by name.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.root = folder.resolve()

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        path = self.folder.joinpath(*pieces)
        if not pieces or not os.path.lexists(path):
            raise TemplateNotFound(template)
        real = path.resolve()
        if not real.is_relative_to(self.root):
            raise TemplateLimit(f"{template} points outside {self.folder}: not read", str(path))
        if not real.is_file():
            raise TemplateLimit(f"{template} is not a regular file: not read", str(path))
        if real.stat().st_size > TEMPLATE_BYTES:
            limit = f"{TEMPLATE_BYTES // 1024} KiB"
            raise TemplateLimit(f"{template} is over {limit}: not read", str(path))
        try:
            source = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
            raise TemplateLimit(f"{template} cannot be read: {reason}", str(path)) from None
        mtime = real.stat().st_mtime
        return source, str(path), lambda: real.stat().st_mtime == mtime


# --- the bounds inside a template ------------------------------------------------------------


class BoundedRange(Sequence[int]):
    """``range`` for templates: at most MAX_RANGE items (Jinja's sandbox rule), and
    each step of a loop over it checks the render's deadline."""

    def __init__(self, env: BoundedSandbox, *args: int) -> None:
        self.items = range(*args)
        if len(self.items) > MAX_RANGE:
            raise TemplateLimit(f"range of {len(self.items)} items: the limit is {MAX_RANGE}")
        self.env = env

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        return self.items[index]

    def __iter__(self) -> Iterator[int]:
        check = self.env.check_time
        for i in self.items:
            if not i & 1023:
                check()
            yield i

    def __repr__(self) -> str:
        return repr(self.items)


def _int_bits(value: Any) -> int:
    return value.bit_length() if type(value) is int or type(value) is bool else 0


def _size(value: Any) -> int:
    """How many bytes ``value`` holds as text or items, at most (4 per character)."""
    if isinstance(value, str):
        return len(value) if value.isascii() else 4 * len(value)
    if isinstance(value, list | tuple):
        return 8 * len(value)
    return 0


def _check_power(left: Any, right: Any) -> None:
    if type(right) is int and right > 1 and _int_bits(left) > 1:
        bits = (abs(left).bit_length() - 1) * right
        if bits > INT_BITS:
            raise TemplateLimit(
                f"{left} ** {right} has over {INT_BITS:,} bits: numbers are limited to that"
            )


def _check_times(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(count, int) and count > 1 and _size(seq) * count > OUTPUT_BYTES:
            what = "text" if isinstance(seq, str) else type(seq).__name__
            raise _too_long(f"a {what} of length {len(seq):,} repeated {count:,} times")
    if _int_bits(left) + _int_bits(right) > INT_BITS:
        raise TemplateLimit(f"a product of over {INT_BITS:,} bits: numbers are limited to that")


# printf-style fields (`%-20s`, `%*d`, `%.9999f`) and str.format fields (`{:>99}`)
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*?(\d+)|\{[^{}]*:[^{}]*\{")


def _check_format(fmt: str, args: Any, percent: bool) -> None:
    """A format string whose widths or precisions could pass the output limit."""
    values = args if isinstance(args, tuple | list) else [args]
    numbers = [v for v in values if type(v) is int]
    pattern = _PERCENT_FIELD if percent else _BRACE_WIDTH
    for match in pattern.finditer(fmt):
        for part in match.groups():
            if part is None:
                continue
            widths = numbers if part == "*" else [int(part)] if part.isdigit() else []
            if any(w > OUTPUT_BYTES for w in widths):
                raise _too_long("a format width")
    if not percent and "{" in fmt[fmt.find(":") :] and any(n > OUTPUT_BYTES for n in numbers):
        raise _too_long("a format width")


def _check_replace(text: str, old: Any, new: Any, count: Any = -1) -> None:
    if not isinstance(old, str) or not isinstance(new, str) or len(new) <= len(old):
        return
    times = len(text) + 1 if old == "" else text.count(old)
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    if _size(text) + times * _size(new) > OUTPUT_BYTES:
        raise _too_long("replace")


def _check_str_method(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """A string method call whose result could pass the output limit."""
    obj = getattr(obj, "__wrapped__", obj)  # the sandbox's wrapper of str.format
    owner = getattr(obj, "__self__", None)
    if not isinstance(owner, str):
        return
    name = getattr(obj, "__name__", "")
    if name in ("center", "ljust", "rjust", "zfill") and args:
        if isinstance(args[0], int) and args[0] > OUTPUT_BYTES:
            raise _too_long(f"{name}({args[0]:,})")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int) and owner.count("\t") * size > OUTPUT_BYTES:
            raise _too_long("expandtabs")
    elif name == "replace" and len(args) >= 2:
        _check_replace(owner, *args[:3])
    elif name in ("format", "format_map"):
        _check_format(owner, [*args, *kwargs.values()], percent=False)
    elif name == "join" and args and isinstance(args[0], list | tuple):
        _check_join(owner, args[0])


def _check_join(sep: str, items: list[Any] | tuple[Any, ...]) -> None:
    if sum(_size(x) for x in items) + _size(sep) * len(items) > OUTPUT_BYTES:
        raise _too_long("join")


def _bounded_filters(env: BoundedSandbox) -> None:
    """Jinja's filters that pad or replace, checked before they build their text."""
    filters = env.filters
    center, indent, replace, fmt = (
        filters["center"],
        filters["indent"],
        filters["replace"],
        filters["format"],
    )
    wordwrap = filters["wordwrap"]

    def do_wordwrap(environment: Any, s: Any, *args: Any, **kwargs: Any) -> Any:
        if _size(s) * 8 > OUTPUT_BYTES:  # textwrap holds ~8 bytes per byte of text
            raise _too_long(f"wordwrap of a text of {len(s):,} characters")
        return wordwrap(environment, s, *args, **kwargs)

    do_wordwrap.jinja_pass_arg = wordwrap.jinja_pass_arg  # type: ignore[attr-defined]
    filters["wordwrap"] = do_wordwrap

    def do_center(value: Any, width: int = 80) -> Any:
        if isinstance(width, int) and width > OUTPUT_BYTES:
            raise _too_long(f"center({width:,})")
        return center(value, width)

    def do_indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> Any:
        lines = str(s).count("\n") + 1
        pad = width if isinstance(width, int) else _size(width)
        if lines * pad > OUTPUT_BYTES:
            raise _too_long("indent")
        return indent(s, width, first, blank)

    def do_format(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_format(str(value), [*args, *kwargs.values()], percent=True)
        return fmt(value, *args, **kwargs)

    def do_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> Any:
        _check_replace(str(s), old, new, -1 if count is None else count)
        return replace(eval_ctx, s, old, new, count)

    do_replace.jinja_pass_arg = replace.jinja_pass_arg  # type: ignore[attr-defined]
    filters.update(center=do_center, indent=do_indent, format=do_format, replace=do_replace)


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every ``~`` concatenation's result checked."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.check_text(")
        super().visit_Concat(node, frame)
        self.write(")")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox with the bounds of this module (see its docstring).

    The immutable sandbox: a template cannot change a list, dict or set
    (``append``, ``update``, ``clear``), so it neither alters the data the next
    document renders nor grows a list in a loop; ``namespace()`` keeps state."""

    code_generator_class = BoundedCodeGenerator
    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = lambda *args: BoundedRange(self, *args)
        self.deadline = float("inf")
        self.limited = False  # True for a render of the user's templates (--templates)
        self.depth = 0
        _bounded_filters(self)

    def check_time(self) -> None:
        if time.process_time() > self.deadline:
            raise TemplateLimit(f"used more than {SECONDS:g} s of CPU time: stopped")

    def check_text(self, text: Any) -> Any:
        if _size(text) > OUTPUT_BYTES:
            raise _too_long("a text of ~ joins")
        return text

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_times(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "+" and _size(left) + _size(right) > OUTPUT_BYTES:
            raise _too_long("+")
        elif operator == "%" and isinstance(left, str):
            _check_format(left, right, percent=True)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(__obj, Macro):
            with __self.nested(__obj.name):
                return super().call(__context, __obj, *args, **kwargs)
        _check_str_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    @contextlib.contextmanager
    def nested(self, what: str) -> Iterator[None]:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise TemplateLimit(
                    f"{what} nests more than {MAX_DEPTH} deep: "
                    "does it include, extend or call itself?"
                )
            yield
        finally:
            self.depth -= 1


def template_class(base: type[Template]) -> type[Template]:
    """``base`` whose every render (an include or an extends as well) counts as one
    level of nesting."""

    class BoundedTemplate(base):  # type: ignore[valid-type,misc]
        @classmethod
        def _from_namespace(cls, environment: Any, namespace: Any, globals: Any) -> Any:
            template = super()._from_namespace(environment, namespace, globals)
            root = template.root_render_func
            name = template.name or "a template"

            def bounded_root(context: Any) -> Iterator[str]:
                with environment.nested(name):
                    yield from root(context)

            template.root_render_func = bounded_root
            return template

    return BoundedTemplate


# --- rendering ---------------------------------------------------------------------------------


def render(env: Environment, name: str, data: dict[str, Any]) -> str:
    """Template ``name`` rendered with ``data``. In a :class:`BoundedSandbox`, streamed
    and, when it reads the user's templates (``env.limited``), within the time, output
    and memory bounds, its reading and compiling included; in any other environment
    (okrbsc's own templates, trusted) joined as it comes, unbounded."""
    sandbox = env if isinstance(env, BoundedSandbox) else None
    limited = sandbox is not None and sandbox.limited
    if sandbox is not None:
        sandbox.deadline = time.process_time() + SECONDS if limited else float("inf")
        sandbox.depth = 0
    bounds = (_alarm(sandbox, SECONDS + 0.5), _memory_ceiling()) if sandbox and limited else ()
    where = name
    try:
        with contextlib.ExitStack() as stack:
            for bound in bounds:
                stack.enter_context(bound)
            template = env.get_template(name)
            where = template.filename or name
            if sandbox is None:
                return _joined(template, data)
            limit = OUTPUT_BYTES if limited else None
            return _stream(sandbox, template.generate(**data), where, limit)
    except TemplateLimit as exc:
        exc.where = exc.where or where
        raise
    except RecursionError as exc:
        raise TemplateLimit("nests without end (recursion)", _frame(exc) or where) from None
    except MemoryError as exc:
        where = _frame(exc) or where
        raise TemplateLimit("ran out of memory: the render was stopped", where) from None
    except (ArithmeticError, ValueError) as exc:
        message = f"{exc.args[-1] if exc.args else exc}"  # OverflowError: (34, 'Numerical ...')
        raise TemplateLimit(f"cannot compute: {message}", _frame(exc) or where) from None
    finally:
        if sandbox is not None:
            sandbox.deadline = float("inf")


def _joined(template: Template, data: dict[str, Any]) -> str:
    """The text of a trusted template, a failure reported as Jinja's ``render`` does.

    Its chunks are joined 256 at a time, as :func:`_stream` does: joining all at
    once would hold every chunk (3 million for 1,000 teams), and larger blocks hold
    more of the text as 2 bytes a character (one "—" in a block is enough): 130 MiB
    more at the peak with all at once, 40 MiB more with 4,096."""
    chunks = template.root_render_func(template.new_context(dict(data)))
    blocks: list[str] = []
    try:
        while batch := list(islice(chunks, 256)):
            blocks.append("".join(batch))
    except Exception:
        template.environment.handle_exception()
    return "".join(blocks)


def _stream(env: BoundedSandbox, chunks: Iterator[str], where: str, limit: int | None) -> str:
    """The chunks joined, counted as they come; every 256 chunks are joined into one
    block (a loop of tiny chunks holds no more than its text) and the clock checked."""
    blocks: list[str] = []
    batch: list[str] = []
    append, size, most = batch.append, 0, float("inf") if limit is None else limit
    for chunk in chunks:
        append(chunk)
        size += len(chunk) if chunk.isascii() else len(chunk.encode("utf-8", "surrogatepass"))
        if size > most:
            raise TemplateLimit(f"wrote more than {OUTPUT_BYTES // _MIB} MiB: stopped", where)
        if len(batch) == 256:
            blocks.append("".join(batch))
            batch.clear()
            try:
                env.check_time()
            except TemplateLimit as exc:
                exc.where = where
                raise
    blocks.append("".join(batch))
    return "".join(blocks)


def _frame(exc: BaseException) -> str | None:
    """``path:line`` of the innermost template frame of ``exc``'s traceback."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            found = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


@contextlib.contextmanager
def _alarm(env: BoundedSandbox, seconds: float) -> Iterator[None]:
    """A CPU timer signal past the deadline, for a loop that writes nothing (main
    thread, POSIX). Time is the process's CPU time, so a busy machine does not
    stop a render that would finish in time on its own."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        env.check_time()

    previous = signal.signal(signal.SIGPROF, ring)
    signal.setitimer(signal.ITIMER_PROF, seconds, 0.25)  # again until the deadline has passed
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@contextlib.contextmanager
def _memory_ceiling() -> Iterator[None]:
    """The address space may grow by HEADROOM_BYTES at most while inside (Linux)."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        yield
        return
    ceiling = used + HEADROOM_BYTES
    if (soft != resource.RLIM_INFINITY and soft <= ceiling) or (
        hard != resource.RLIM_INFINITY and hard < ceiling
    ):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def failure(exc: Exception) -> str:
    """What went wrong in a template, naming the template and its line (SPEC 12.1, 12.3)."""
    from jinja2 import TemplateSyntaxError
    from jinja2.exceptions import SecurityError

    where = None
    if isinstance(exc, TemplateSyntaxError):
        where = f"{exc.filename or exc.name}:{exc.lineno}"
    where = where or _frame(exc) or getattr(exc, "where", None)
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, SecurityError):
        message = message.rstrip(".") + ": templates reach the report's data and filters only"
    if isinstance(exc, TemplateNotFound):
        message = f"{exc.name!s} not found"
    return f"template {where or 'error'}: {message}"


def loaders(templates: Path | None, shipped: Path) -> list[BaseLoader]:
    """The user's folder first (bounded), then the templates okrbsc ships."""
    mine: list[BaseLoader] = [FolderLoader(templates)] if templates is not None else []
    return [*mine, FileSystemLoader(str(shipped))]
