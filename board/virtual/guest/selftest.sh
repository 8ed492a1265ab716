#!/bin/sh
# Runs inside the virtual board (`vboard selftest` boots it with
# --gpio-sim "lines=32,label=portico-sim,line3=vb-led" --env VB_TOKEN=...).
# Prints one "ok NAME" / "FAIL NAME" line per check.

fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { # NAME CMD...
	name=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then ok "$name"; else
		bad "$name"
		sed 's/^/  | /' /tmp/check.out >&2
	fi
}
ms() { date +%s%N | cut -c1-13; }

VIDEO=${PORTICO_VBOARD_VIDEO:-/dev/video0}
CHIP=${PORTICO_VBOARD_GPIOCHIP:-/dev/gpiochip0}
SIM=${PORTICO_VBOARD_GPIOSIM:-}

check "PORTICO_VBOARD=1 is set" test "${PORTICO_VBOARD:-}" = 1
check "--env values are set" test -n "${VB_TOKEN:-}"
check "running in the caller's folder" test "$(pwd)" = "${VB_CWD:-}"
check "kernel $(uname -r)" true

# Camera.
check "/dev/video0 exists" test -c /dev/video0
formats() {
	v4l2-ctl --list-formats-ext -d "$VIDEO" >/tmp/formats || return 1
	# The YUYV section lists 640x480.
	awk '/\[[0-9]+\]:/ { yuyv = /YUYV/ } yuyv && /Size: Discrete 640x480/ { found = 1 } END { exit !found }' /tmp/formats
}
check "v4l2-ctl --list-formats-ext shows YUYV 640x480" formats
grab() {
	rm -f /tmp/frames.raw
	v4l2-ctl -d "$VIDEO" --set-fmt-video=width=640,height=480,pixelformat=YUYV \
		--set-parm=25 --stream-mmap --stream-count=10 --stream-to=/tmp/frames.raw || return 1
	size=$(stat -c %s /tmp/frames.raw)
	echo "captured $size bytes"
	[ "$size" -eq $((10 * 640 * 480 * 2)) ]
}
t0=$(ms)
check "v4l2-ctl --stream-mmap grabs 10 YUYV 640x480 frames" grab
t1=$(ms)
echo "info 10 frames in $((t1 - t0)) ms"

# GPIO.
check "gpiodetect shows the portico-sim chip" sh -c "gpiodetect | grep -q '^${CHIP#/dev/} \[portico-sim\] (32 lines)'"
check "gpioinfo shows the named line 3 (vb-led)" sh -c "gpioinfo ${CHIP#/dev/} | grep -q 'line *3:.*\"vb-led\"'"
check "simulator side is at $SIM" test -f "$SIM/sim_gpio3/value"
drive() { # VALUE: gpioset holds line 3, the simulator reads it back
	gpioset --mode=signal "${CHIP#/dev/}" 3="$1" &
	pid=$!
	i=0
	while [ $i -lt 50 ]; do
		[ "$(cat "$SIM/sim_gpio3/value")" = "$1" ] && break
		sleep 0.05
		i=$((i + 1))
	done
	v=$(cat "$SIM/sim_gpio3/value")
	kill "$pid"
	wait "$pid" 2>/dev/null
	echo "sim_gpio3/value=$v"
	[ "$v" = "$1" ]
}
check "gpioset line 3 = 1 reads back 1 in sim_gpio3/value" drive 1
check "gpioset line 3 = 0 reads back 0 in sim_gpio3/value" drive 0
pull() { # the simulator pulls line 4; gpioget sees it
	echo "pull-$1" >"$SIM/sim_gpio4/pull" || return 1
	v=$(gpioget "${CHIP#/dev/}" 4)
	echo "gpioget=$v"
	[ "$v" = "$2" ]
}
check "pull-up on sim_gpio4 reads 1 with gpioget" pull up 1
check "pull-down on sim_gpio4 reads 0 with gpioget" pull down 0

# The camera goes away and comes back.
check "rmmod vivid removes /dev/video0" sh -c 'rmmod vivid && ! test -e /dev/video0'
check "modprobe vivid brings /dev/video0 back" sh -c 'modprobe vivid && test -c /dev/video0'
check "the reloaded camera streams" grab

# Files.
check "the working folder is writable" sh -c "echo \"\$VB_TOKEN\" > from-guest"
check "the root is writable (overlay)" touch /usr/portico-vboard-overlay-test

t0=$(ms)
i=0
while [ $i -lt 10 ]; do /bin/true; i=$((i + 1)); done
t1=$(ms)
echo "info process start $(((t1 - t0) / 10)) ms"

[ $fails -eq 0 ]
