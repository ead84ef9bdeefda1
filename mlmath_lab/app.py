"""The ``mlmath-lab`` command: traitlets applications, configured as nbgrader is.

Configuration comes from Jupyter's config paths and from the course's own
``nbgrader_config.py``, so one file configures both nbgrader and mlmath-lab
(``c.Validator.cell_timeout = 60``, ``c.StudentWorkspace.directory = "~/course"``).
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from jupyter_core.application import JupyterApp
from traitlets import Bool, Integer, List, Unicode
from traitlets.config import Application, Config

from . import __version__, _lean_imports  # noqa: F401 (first: see its docstring)
from .autograde.grader import Autograder
from .autograde.submissions import SubmissionProblem
from .course import NBGRADER_CONFIG, Course, CourseError, ManifestError, find_course_root
from .course.bundle import PACKAGED, BundleError, build_bundle, packaged_course
from .course.kernelinfo import for_this_kernel
from .course.leaks import course_secrets
from .course.manifest import load_manifest
from .course.release import GeneratedReleases, ReleaseError, StudentReleases
from .course.validate import Validator
from .workspace import StudentWorkspace


class CourseApp(JupyterApp):
    """A subcommand that works on a course root (nbgrader's ``CourseDirectory.root``)."""

    version = __version__
    course_dir = Unicode(
        "",
        help="The course root (holding nbgrader_config.py). Default: the "
        "current folder, or ./assignments.",
    ).tag(config=True)
    aliases = {"course-dir": "CourseApp.course_dir", "log-level": "Application.log_level"}

    def course(self) -> Course:
        # --course-dir, else nbgrader's own setting (--CourseDirectory.root=PATH, as nbgrader's
        # commands take it), else the current folder or ./assignments
        given = self.course_dir or self.config.get("CourseDirectory", {}).get("root", "")
        root = Path(given) if given else find_course_root(Path.cwd())
        if not (root / NBGRADER_CONFIG).is_file():
            raise CourseError(f"{root}: not a course root (no {NBGRADER_CONFIG})")
        return Course(root.resolve())

    def load_course_config(self, course: Course | None) -> Config:
        """Load ``nbgrader_config.py`` from Jupyter's config paths and the course root (if
        there is one).

        Values given on the command line still win, as traitlets applications expect.
        """
        roots = [str(course.root)] if course is not None else []
        for folder in [*self.config_file_paths[::-1], *roots]:
            if Path(folder, NBGRADER_CONFIG).is_file():
                # traitlets' own loader: JupyterApp's only reads jupyter_*_config files
                Application.load_config_file(self, NBGRADER_CONFIG, path=[folder])
        return Config(self.config)

    def open_course(self) -> tuple[Course, Config]:
        """The course and its configuration; a missing course ends the command with a message."""
        try:
            course = self.course()
        except CourseError as error:
            self.fail(str(error))
        return course, self.load_course_config(course)

    def fail(self, message: str) -> NoReturn:
        self.log.error("%s", message)
        raise SystemExit(1)  # what Application.exit(1) does, visible to the type checker


class ValidateApp(CourseApp):
    name = "mlmath-lab-validate"
    description = """Check assignments before students see them: source notebooks clean with
    valid nbgrader metadata, manifest and notebooks in agreement, solutions passing every
    graded test, releases failing every graded test and holding no solution or hidden test.
    Arguments: assignment names (default: all)."""
    classes = [Validator]
    execute = Bool(True, help="Run the notebooks (source and release) in a kernel.").tag(
        config=True
    )
    flags = {
        "no-execute": (
            {"ValidateApp": {"execute": False}},
            "Only the static checks: do not run notebooks.",
        ),
    }

    def start(self) -> None:
        course, config = self.open_course()
        validator = Validator(parent=self, config=config)
        problems = validator.validate(
            course,
            self.extra_args or None,
            execute=self.execute,
            nbgrader_config=config,
            progress=lambda m: self.log.info("%s", m),
        )
        for proven in validator.proofs:
            proof = proven.proof
            state = "proven" if proof.proven else "NOT proven"
            print(
                f"{proof.exercise}: {state}; recognises {proof.recognised} of "
                f"{proof.mistakes} known mistake(s)"
            )
        for problem in problems:
            print(f"PROBLEM {problem}", file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s) found in {course.root}", file=sys.stderr)
            self.exit(1)
        print(f"course {course.root}: all checks passed")


class LabApp(CourseApp):
    name = "mlmath-lab-lab"
    description = """Prepare the student workspace from the release versions of the
    assignments (never overwriting a notebook you edited; new assignments are added) and open
    JupyterLab on it. The course is the course root when there is one (--course-dir, the
    current folder or ./assignments), else the student course packaged with mlmath_lab.
    Arguments after -- go to JupyterLab (e.g. -- --no-browser --port=8899)."""
    classes = [StudentWorkspace]
    open_lab = Bool(True, help="Start JupyterLab after preparing the workspace.").tag(config=True)
    lab_args = List(Unicode(), help="Extra arguments for jupyter lab.").tag(config=True)
    aliases = {**CourseApp.aliases, "workspace": "StudentWorkspace.directory"}
    flags = {
        "prepare-only": (
            {"LabApp": {"open_lab": False}},
            "Prepare the workspace, do not start JupyterLab.",
        ),
    }

    def start(self) -> None:
        try:
            releases, config = self.student_releases()
            self.log.info("course: %s", releases.origin)
            workspace = StudentWorkspace(parent=self, config=config)
            self.prepare(releases, workspace)
        except (CourseError, ManifestError, ReleaseError, BundleError) as error:
            self.fail(str(error))
            return
        if self.open_lab:
            self.launch(workspace, releases)

    def student_releases(self) -> tuple[StudentReleases, Config]:
        """The course root when there is one (an instructor's, a clone of the repository);
        else, unless --course-dir names another folder, the student course packaged with
        mlmath_lab (a self-learner's ``pip install``)."""
        try:
            course = self.course()
        except CourseError as no_course:
            if self.course_dir:
                raise
            packaged = packaged_course()
            if packaged is None:
                raise CourseError(
                    f"{no_course}. This installation of mlmath_lab carries no student course "
                    "either: install a wheel built after `mlmath-lab bundle`, or open a course "
                    "with --course-dir=PATH"
                ) from None
            return packaged, self.load_course_config(None)
        config = self.load_course_config(course)
        return GeneratedReleases(course, config), config

    def prepare(self, releases: StudentReleases, workspace: StudentWorkspace) -> None:
        with tempfile.TemporaryDirectory(prefix="mlmath-lab-release-") as scratch:
            for name in releases.assignment_ids():
                release = releases.release(name, Path(scratch) / name)
                # as the student's kernel will report it: opening a notebook changes nothing
                for_this_kernel(release)
                report = workspace.sync(name, release)
                for key in report.added:
                    self.log.info("added %s", key)
                for key in report.updated:
                    self.log.info("updated %s (you had not edited it)", key)
                for key in report.kept:
                    self.log.warning("kept your edited %s (the release version differs)", key)
        # The server extension's roadmap reads this copy (MlmathLabServer.manifest_path).
        installed = workspace.install_manifest(releases.manifest_path)
        self.log.info("roadmap manifest: %s", installed)
        self.log.info("workspace ready: %s", workspace.root)

    def launch(self, workspace: StudentWorkspace, releases: StudentReleases) -> None:
        from .lab_launch import (
            LabOptionError,
            config_path_with,
            first_unfinished_notebook,
            lab_command,
            open_url,
            write_student_config,
        )

        root = workspace.root
        ours = {
            "ServerApp.root_dir": str(root),
            "LabApp.default_url": open_url(
                first_unfinished_notebook(
                    load_manifest(releases.manifest_path), self._progress(), root
                )
            ),
            "LabApp.news_url": "None",  # no "official Jupyter news?" prompt for a student
        }
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # Containers (Binder-like images, CI) often run as root; Jupyter refuses unless told.
            self.log.warning("running as root: starting JupyterLab with allow_root")
            ours["ServerApp.allow_root"] = "True"
        try:
            command = lab_command(ours, [*self.lab_args, *self.extra_args])
        except LabOptionError as error:
            self.fail(f"the options after -- for JupyterLab: {error}")
            return
        for note in command.notes:
            self.log.info(note)
        env = dict(os.environ)
        config = write_student_config(workspace.state_path.parent)
        env["JUPYTER_CONFIG_PATH"] = config_path_with(config, env)
        argv = [sys.executable, "-m", "jupyterlab", *command.args]
        self.log.info("starting JupyterLab: %s", " ".join(argv[1:]))
        sys.stdout.flush()
        os.execve(sys.executable, argv, env)

    def _progress(self) -> dict[str, Any]:
        """This user's progress as the roadmap's server extension keeps it (empty if none)."""
        from .server.progress import ProgressStore
        from .server.serverconfig import MlmathLabServer

        try:
            return ProgressStore(MlmathLabServer(parent=self).progress_folder()).read()
        except Exception as error:  # a start page is no reason not to start
            self.log.warning("could not read your progress (%s): opening the first notebook", error)
            return {}


class BundleApp(CourseApp):
    name = "mlmath-lab-bundle"
    description = """Package the student course into mlmath_lab for a wheel: the release
    version of every assignment and the roadmap manifest, with an index of their sha256, in
    mlmath_lab/student_course/ (or --output=DIR). `mlmath-lab lab` opens it where there is no
    course root. It is scanned before it is written: it holds no hidden test and no solution.
    Run it before building a wheel or an sdist."""
    output = Unicode(
        "", help="Where to write it. Default: the student_course folder of the mlmath_lab package."
    ).tag(config=True)
    aliases = {**CourseApp.aliases, "output": "BundleApp.output"}

    def start(self) -> None:
        course, config = self.open_course()
        target = Path(self.output).expanduser().resolve() if self.output else PACKAGED
        try:
            # every notebook of source/: what the bundle must not give away
            secrets = course_secrets(sorted(course.source.rglob("*.ipynb")))
            bundle = build_bundle(GeneratedReleases(course, config), secrets, target)
        except (CourseError, ManifestError, ReleaseError, BundleError) as error:
            self.fail(str(error))
            return
        files = sum(len(assignment.files) for assignment in bundle.assignments)
        print(
            f"student course of {course.root}: {len(bundle.assignments)} assignment(s), "
            f"{files} file(s) and the manifest in {bundle.folder}"
        )


class AutogradeApp(CourseApp):
    name = "mlmath-lab-autograde"
    description = """Autograde the submissions of an assignment (submitted/<student>/<assignment>/)
    as `nbgrader autograde` does, into autograded/ and the gradebook, running them in parallel in
    a pre-warmed, isolated executor. Students already autograded are skipped unless --force.
    Argument: the assignment name."""
    classes = [Autograder]
    students = List(
        Unicode(), help="Only these students (--student A --student B, or A,B). Default: all."
    ).tag(config=True)
    force = Bool(False, help="Grade again students who are already autograded.").tag(config=True)
    aliases = {
        **CourseApp.aliases,
        "student": "AutogradeApp.students",
        "workers": "Autograder.workers",
    }
    flags = {
        "force": ({"AutogradeApp": {"force": True}}, "Grade again students already autograded."),
    }

    def start(self) -> None:
        if len(self.extra_args) != 1:
            self.fail("give one assignment name: mlmath-lab autograde ASSIGNMENT")
            return
        course, config = self.open_course()
        grader = Autograder(parent=self, config=config)
        students = [s for value in self.students for s in value.split(",") if s]

        def terminate(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, terminate)
        try:
            summary = grader.autograde(
                course.root, self.extra_args[0], config, students=students or None, force=self.force
            )
        except SubmissionProblem as error:
            self.fail(str(error))
            return
        except KeyboardInterrupt:
            self.log.error("interrupted: run the same command again to grade the rest")
            self.exit(130)
            return
        finally:
            signal.signal(signal.SIGTERM, previous)
        for line in summary.lines():
            print(line)
        if summary.failed:
            self.exit(1)


class ReportApp(CourseApp):
    name = "mlmath-lab-report"
    description = """Report on an autograded assignment: per-exercise pass rates (full, partial,
    zero points) and the histogram of total scores from nbgrader's gradebook, and the most
    frequent problems (the checks' hints) from the autograded notebooks. Plain-text tables, or
    JSON with --json; a PNG chart as well. Argument: the assignment name; without one, the
    course view: every graded assignment, per module, and the students at risk."""
    top = Integer(10, help="How many of the most frequent problems to show.").tag(config=True)
    png = Unicode(
        "",
        help="Where to write the PNG chart. Default: <course root>/reports/<assignment>-report.png.",
    ).tag(config=True)
    html = Unicode(
        "",
        help="Where to write the HTML report (one self-contained file). Default: "
        "<course root>/reports/<assignment>-report.html, or course-report.html for the course "
        "view.",
    ).tag(config=True)
    as_json = Bool(False, help="Print the report as JSON instead of tables.").tag(config=True)
    aliases = {
        **CourseApp.aliases,
        "top": "ReportApp.top",
        "png": "ReportApp.png",
        "html": "ReportApp.html",
    }
    flags = {
        "json": ({"ReportApp": {"as_json": True}}, "Print the report as JSON instead of tables."),
    }

    def start(self) -> None:
        import json

        from .report import (
            ReportError,
            build_report,
            default_png_path,
            render_png,
            render_text,
            report_json,
        )
        from .report.html import render_html

        if len(self.extra_args) > 1:
            self.fail(
                "give one assignment name (mlmath-lab report ASSIGNMENT), or none for the "
                "course view"
            )
            return
        course, config = self.open_course()
        if not self.extra_args:
            self.course_view(course.root, config)
            return
        try:
            report = build_report(course.root, self.extra_args[0], config)
        except ReportError as error:
            self.fail(str(error))
            return
        for warning in report.warnings:
            self.log.warning("%s", warning)
        png = Path(self.png).expanduser() if self.png else default_png_path(report)
        page = self._html_path(report.course_root, f"{report.assignment}-report.html")
        try:
            render_png(report, png)
            self._write_html(page, render_html(report, self.top))
        except OSError as error:
            self.fail(f"cannot write the report: {error}")
            return
        if self.as_json:
            data = {**report_json(report, self.top), "png": str(png), "html": str(page)}
            print(json.dumps(data, indent=2))
        else:
            print(render_text(report, self.top))
            print(f"\nchart: {png}\nhtml: {page}")

    def _html_path(self, root: Path, default_name: str) -> Path:
        return Path(self.html).expanduser() if self.html else root / "reports" / default_name

    @staticmethod
    def _write_html(path: Path, page: str) -> None:
        from .atomicfile import write_atomically

        write_atomically(path, page.encode("utf-8"))

    def course_view(self, root: Path, config: Config) -> None:
        import json

        from .report import ReportError, build_course_report, course_json, render_course_text
        from .report.html import render_course_html

        try:
            report = build_course_report(root, config)
        except ReportError as error:
            self.fail(str(error))
            return
        for warning in report.warnings:
            self.log.warning("%s", warning)
        page = self._html_path(report.course_root, "course-report.html")
        try:
            self._write_html(page, render_course_html(report))
        except OSError as error:
            self.fail(f"cannot write the report: {error}")
            return
        if self.as_json:
            print(json.dumps({**course_json(report), "html": str(page)}, indent=2))
        else:
            print(render_course_text(report))
            print(f"\nhtml: {page}")


class MlmathLabApp(JupyterApp):
    name = "mlmath-lab"
    version = __version__
    description = "The mathematics of machine learning, as an nbgrader course in JupyterLab."
    subcommands = {
        "validate": (ValidateApp, ValidateApp.description.splitlines()[0]),
        "lab": (LabApp, LabApp.description.splitlines()[0]),
        "bundle": (BundleApp, BundleApp.description.splitlines()[0]),
        "autograde": (AutogradeApp, AutogradeApp.description.splitlines()[0]),
        "report": (ReportApp, ReportApp.description.splitlines()[0]),
    }

    def start(self) -> None:
        if self.subapp is None:
            self.print_help()
            print("\nSubcommands: " + ", ".join(self.subcommands), file=sys.stderr)
            self.exit(2)
        super().start()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    preload = _early_zygote_preload(args)
    if preload is not None:
        # The executor's zygote imports torch (seconds) while this command loads nbgrader
        # and reads the course (and, for autograde, sanitizes the submissions).
        from .autograde.executor import launch_early_zygote

        # autograde decides every graded cell of the course in the grader: its children get
        # no checkers (if a cell cannot be planned, the run starts a zygote that has them)
        launch_early_zygote(preload, checkers=args[:1] != ["autograde"])
    if argv is None and args[:1] == ["autograde"]:
        _exit_without_teardown(lambda: MlmathLabApp.launch_instance(argv=argv))
    MlmathLabApp.launch_instance(argv=argv)


def _exit_without_teardown(command: Callable[[], None]) -> NoReturn:
    """Run ``command``, then end the process with the status ``sys.exit`` would give, once
    the atexit handlers have run and the output is flushed, but without Python's teardown of
    the heap: with torch, nbgrader and nbconvert loaded it takes more than a second at the end
    of every ``mlmath-lab autograde``, and nothing in it concerns the command's results (the
    gradebook is committed, the executor stopped and the temporary files removed before
    ``command`` returns). For the command only: never when ``main`` is called with arguments."""
    import atexit

    try:
        command()
        status = 0
    except SystemExit as stop:  # as the interpreter handles it
        if stop.code is None or isinstance(stop.code, int):
            status = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            status = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _early_zygote_preload(args: list[str]) -> tuple[str, ...] | None:
    """What the zygote of the command in ``args`` preloads, if it will surely want one."""
    if {"-h", "--help", "--help-all"} & set(args):
        return None
    if args[:1] == ["autograde"]:
        from .autograde.executor import autograde_preload

        # the course root and assignment as the command will find them (if it finds others,
        # its executor starts its own zygote and this one is stopped)
        given = [a.split("=", 1)[1] for a in args if a.startswith("--course-dir=")]
        given += [b for a, b in itertools.pairwise(args) if a == "--course-dir"]
        root = Path(given[-1]) if given else find_course_root(Path.cwd())
        valued = {"--course-dir", "--student", "--workers", "--log-level"}
        names = [
            a
            for before, a in itertools.pairwise(args)
            if not a.startswith("-") and before not in valued
        ]
        return autograde_preload(root.resolve(), names[0] if names else "")
    # --Validator.executor=kernel, or the value as the next argument
    kernel = any(
        a.startswith("--Validator.executor") and "kernel" in f"{a} {following}"
        for a, following in itertools.pairwise([*args, ""])  # (none for a bare `mlmath-lab`)
    )
    if args[:1] == ["validate"] and "--no-execute" not in args and not kernel:
        # (an nbgrader_config.py that chooses the kernel executor leaves it unused: stopped
        # at exit)
        from .course.execute import validate_preload

        return validate_preload()
    return None


if __name__ == "__main__":
    main()
