#!/usr/bin/env bash
# Create nbgrader's exchange for one course, with the modes nbgrader documents plus two
# tightenings. Run as root, once per course (running it again only fixes modes and owners):
#
#   setup-exchange.sh EXCHANGE_ROOT COURSE_ID INSTRUCTOR INSTRUCTORS_GROUP
#
#   EXCHANGE_ROOT/              1777 root      anyone may create a course folder; the sticky
#                                              bit stops anyone removing another's
#     COURSE_ID/                0755 INSTRUCTOR:INSTRUCTORS_GROUP
#       outbound/               0755           released assignments: everyone reads
#       inbound/                3733           submissions: everyone may add, nobody but the
#                                              instructor may list; set-group-ID gives each
#                                              submission the instructors' group, and the
#                                              sticky bit stops a student removing another's
#       feedback/               0711           feedback: read only by the exact (secret) name
#
# mlmath_lab.exchange.ExchangeSubmit (global/nbgrader_config.py) then makes each submission
# 0640/0750 with that group, so other students cannot read it even if they learn its name.
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 EXCHANGE_ROOT COURSE_ID INSTRUCTOR INSTRUCTORS_GROUP" >&2
  exit 2
fi
root="$1" course="$2" instructor="$3" group="$4"
[ "$(id -u)" = 0 ] || { echo "$0: run as root (it sets owners)" >&2; exit 1; }
id -u "$instructor" >/dev/null || { echo "$0: no user $instructor" >&2; exit 1; }
getent group "$group" >/dev/null || { echo "$0: no group $group" >&2; exit 1; }

install -d -m 1777 -o root -g root "$root"
install -d -m 0755 -o "$instructor" -g "$group" "$root/$course" "$root/$course/outbound"
install -d -m 3733 -o "$instructor" -g "$group" "$root/$course/inbound"
install -d -m 0711 -o "$instructor" -g "$group" "$root/$course/feedback"
echo "exchange ready: $root/$course (instructor $instructor, group $group)"
