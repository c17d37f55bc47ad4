# SPDX-License-Identifier: MIT
# Shared by the tests/mpi scripts: $1 is wormscope, $2 mpirun.
W=$1
MPIRUN=$2
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Open MPI refuses root without --allow-run-as-root; oversubscribe: the
# test machine may have fewer cores than ranks.
MPIFLAGS="--oversubscribe"
[ "$(id -u)" = 0 ] && MPIFLAGS="$MPIFLAGS --allow-run-as-root"
# Open MPI's own allocations are not ours to check for leaks.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
mpi() {
	np=$1
	shift
	"$MPIRUN" $MPIFLAGS -np "$np" "$@"
}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
