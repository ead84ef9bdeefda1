"""nbgrader's submit step for a shared machine: a submission only its student and the
instructors can read.

nbgrader's own ``ExchangeSubmit`` leaves each submission in ``<exchange>/<course>/inbound``
world-readable (files 0644, the folder 0777), relying on the folder's random name and on
``inbound`` being unlistable (0733). Anyone who learns the name (a log line, a shared screen)
can read the notebooks, and even write into the folder. This subclass keeps the layout and
the names, and changes only the modes:

- the copy is made inside a private (0700) staging folder of the student's and renamed into
  place, so no half-copied submission is ever readable by others;
- files are 0640 and folders 0750 (the top folder 0770, so instructors can delete it, as
  nbgrader intends); the group is ``inbound``'s, which is set-group-ID and owned by the
  instructors' group, so instructors read through that group and other students cannot.

Enable it in the global ``nbgrader_config.py``:
``c.ExchangeFactory.submit = "mlmath_lab.exchange.ExchangeSubmit"``.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from typing import Any

from nbgrader.exchange.default.submit import ExchangeSubmit as NbgraderExchangeSubmit

OTHERS = stat.S_IRWXO
FILE_MODE = 0o640
FOLDER_MODE = 0o750
SUBMISSION_FOLDER_MODE = 0o770  # instructors (the group) may delete a submission
NBGRADER_ADDS = ("timestamp.txt", "submission_secret.txt")  # written by nbgrader after the copy


class ExchangeSubmit(NbgraderExchangeSubmit):
    """``nbgrader submit`` that hides each submission from everyone but instructors."""

    inbound_path: str
    assignment_filename: str

    def init_dest(self) -> None:
        super().init_dest()
        # Without set-group-ID on inbound the files would get the student's own group, and
        # with "others" removed the instructors could not read them: refuse rather than
        # hand in something nobody can grade.
        if not os.stat(self.inbound_path).st_mode & stat.S_ISGID:
            self.fail(
                f"{self.inbound_path}: inbound folder is not set-group-ID; ask your "
                "instructor to run setup-exchange.sh (docs/jupyterhub.md)"
            )

    def _in_inbound(self, path: str) -> bool:
        return os.path.dirname(os.path.abspath(path)) == os.path.abspath(self.inbound_path)

    def do_copy(self, src: str, dest: str, log: Any = None) -> None:
        if not self._in_inbound(dest):  # the student's own cache copy: nbgrader's way
            super().do_copy(src, dest, log)
            return
        # Made in inbound, the staging folder inherits the instructors' group and the
        # set-group-ID bit; its mode (0700) keeps everything inside private until the rename.
        staging = tempfile.mkdtemp(prefix=".staging-", dir=self.inbound_path)
        try:
            copied = os.path.join(staging, "copy")
            super().do_copy(src, copied, log)
            super().set_perms(copied, fileperms=FILE_MODE, dirperms=FOLDER_MODE)
            # copytree's last step (copystat) cleared set-group-ID on `copied`, so the files
            # nbgrader adds next (timestamp.txt, submission_secret.txt) would get the
            # student's group. A folder made here inherits the bit again; the two files are
            # created now with the private mode, and nbgrader's writes keep mode and group.
            submission = os.path.join(staging, "submission")
            os.mkdir(submission, FOLDER_MODE)
            for name in os.listdir(copied):
                os.rename(os.path.join(copied, name), os.path.join(submission, name))
            for name in NBGRADER_ADDS:
                os.close(
                    os.open(os.path.join(submission, name), os.O_CREAT | os.O_WRONLY, FILE_MODE)
                )
            os.rename(submission, dest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def set_perms(self, dest: str, fileperms: int, dirperms: int) -> None:
        # nbgrader asks for 0644/0755 on the submission: never grant "others" anything there.
        if self._in_inbound(dest):
            fileperms &= ~OTHERS
            dirperms &= ~OTHERS
        super().set_perms(dest, fileperms, dirperms)

    def copy_files(self) -> None:
        super().copy_files()
        # nbgrader ends by opening the submission folder to everyone (0777) so that the
        # instructor can delete it; the group is enough for that.
        os.chmod(os.path.join(self.inbound_path, self.assignment_filename), SUBMISSION_FOLDER_MODE)
