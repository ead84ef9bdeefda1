#!/usr/bin/env bash
# Put the course root in the instructor's home and publish the roadmap manifest. Run as root:
#
#   setup-course.sh COURSE_SOURCE INSTRUCTOR COURSE_ROOT MANIFEST_COPY
#
#   COURSE_SOURCE  the repository's assignments/ (source/, course.yaml, nbgrader_config.py)
#   COURSE_ROOT    e.g. /home/INSTRUCTOR/mlmath: inside the instructor's home, because the
#                  formgrader only works on a course root inside its server's root folder;
#                  mode 0700, so no student can read the solutions, the hidden tests, the
#                  submissions or the gradebook
#   MANIFEST_COPY  e.g. /srv/nbgrader/mlmath-course.yaml, mode 0644: the roadmap every
#                  student's server shows (course.yaml names exercises; it holds no code)
#
# Files already in COURSE_ROOT are kept (the instructor may have edited them).
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 COURSE_SOURCE INSTRUCTOR COURSE_ROOT MANIFEST_COPY" >&2
  exit 2
fi
source_dir="$1" instructor="$2" course_root="$3" manifest="$4"
[ "$(id -u)" = 0 ] || { echo "$0: run as root (it sets owners)" >&2; exit 1; }
id -u "$instructor" >/dev/null || { echo "$0: no user $instructor" >&2; exit 1; }
for item in source course.yaml nbgrader_config.py; do
  [ -e "$source_dir/$item" ] || { echo "$0: $source_dir/$item is missing" >&2; exit 1; }
done

install -d -m 0700 -o "$instructor" -g "$(id -gn "$instructor")" "$course_root"
cp -r --no-clobber "$source_dir/source" "$source_dir/course.yaml" \
  "$source_dir/nbgrader_config.py" "$course_root/"
chown -R "$instructor:$(id -gn "$instructor")" "$course_root"
chmod -R go-rwx "$course_root"

install -d -m 0755 "$(dirname "$manifest")"
install -m 0644 -o root -g root "$source_dir/course.yaml" "$manifest"
echo "course root ready: $course_root (owner $instructor, 0700); manifest: $manifest"
