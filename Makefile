# nvr-recovery: build, demo, tests.
#
#   make            build build/nvr-recovery
#   make demo       run the wizard on the built-in demo device (ARGS=...;
#                   FIRSTBOOT=1 for a copy with no admin password)
#   make demo-reset the demo device's accounts as shipped
#   make check      unit tests (plain and under ASan+UBSan) and end-to-end
#                   tests in a real terminal emulator
#   make ARCH=arm64 cross-build (Debian's toolchain; armhf too) the
#                   binaries and unit tests into build/arm64/; make deps
#                   ARCH=arm64 installs the toolchain and libraries, make
#                   check-cross ARCH=arm64 runs the unit tests under qemu
#   make install    install under $(DESTDIR)$(PREFIX)
#   make deb        the Debian packages in build/deb/, checked by lintian
#                   (ARCH=arm64: cross-built into build/deb-arm64/)
#   make deb-test   them installed, upgraded and purged in a Debian 12 root
#                   (ARCH=arm64: installed and run in an arm64 root, qemu)
#   make piuparts   piuparts on them
#   make lint       cppcheck and clang-tidy over the sources: any finding
#                   fails
#
# Missing Debian packages are installed first (packaging/deb/
# install-build-deps), so these commands are the whole set-up.

VERSION := 0.1.0
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/nvr-recovery
UNITDIR ?= /lib/systemd/system
SYSCONFDIR ?= /etc

# Cross builds: ARCH is a Debian architecture (arm64, armhf, ...). They
# use Debian's cross toolchain, $(DEB_HOST_GNU_TYPE)-gcc and
# $(DEB_HOST_GNU_TYPE)-pkg-config, unless CC and PKG_CONFIG are given (on
# the command line or in the environment, as debhelper does), and build
# into build/ARCH/, so a native and a cross build never mix. ARCH unset
# or the machine's own is the native build, in build/. Under
# dpkg-buildpackage -a ARCH, which exports DEB_HOST_ARCH, the package's
# architecture is ARCH for every step (debhelper gives CC and PKG_CONFIG
# to the build only, and the install must find the same folder).
ARCH ?= $(DEB_HOST_ARCH)
NATIVE_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
ifneq ($(filter-out $(NATIVE_ARCH),$(ARCH)),)
DEB_HOST_GNU_TYPE := $(shell dpkg-architecture -a$(ARCH) \
	-qDEB_HOST_GNU_TYPE 2>/dev/null)
ifeq ($(DEB_HOST_GNU_TYPE),)
$(error ARCH=$(ARCH) is not a Debian architecture that dpkg-architecture \
	knows (dpkg-architecture -L lists them))
endif
CROSS := $(ARCH)
BUILD_DIR := build/$(ARCH)
ifeq ($(origin CC),default)
CC := $(DEB_HOST_GNU_TYPE)-gcc
endif
PKG_CONFIG ?= $(DEB_HOST_GNU_TYPE)-pkg-config
# The rest runs on this machine only: the end-to-end tests drive the
# wizard with native helpers (vtdrive, tmux, socat), ASan under qemu-user
# does not work, and the demo runs here.
NATIVE_GOALS := check e2e unit-asan demo demo-reset bench fuzz fuzz-replay \
	fuzz-seeds
ifneq ($(filter $(NATIVE_GOALS),$(MAKECMDGOALS)),)
$(error make $(filter $(NATIVE_GOALS),$(MAKECMDGOALS)) runs on the native \
	build only; make check-cross ARCH=$(ARCH) runs the unit tests under \
	qemu)
endif
else
BUILD_DIR := build
endif

CC ?= cc
CFLAGS ?= -O2 -g
# The hardening Debian's dpkg-buildflags gives, for a tool that runs as
# root; CPPFLAGS and LDFLAGS from the environment are honoured too.
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDEN_LD := -pie -Wl,-z,relro,-z,now
PKG_CONFIG ?= pkg-config
PKGS := ncursesw menuw yaml-0.1 libxcrypt libsodium pwquality libqrencode \
	libserialport sqlite3 nettle libargon2 libmariadb libevdev libgpiod
TEST_PKGS := cmocka
DRIVER_PKGS := vterm

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wundef
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

# Recursive (=) so pkg-config runs when a recipe needs it, after
# build/.deps-ok has installed what was missing.
# The build's date: a recorder clock showing an earlier date is wrong
# (backends/requests/requests.c). SOURCE_DATE_EPOCH, else the last
# commit's date, so that rebuilding the same source gives the same
# binary.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || \
	date +%s)
# 64-bit file offsets and times on every machine: a 32-bit one (armhf)
# would otherwise fail readdir with EOVERFLOW on a file system with 64-bit
# inode numbers, and stop telling the time in 2038. Only our own code
# sees these types: no library call we make passes a time_t, off_t or
# struct stat through its API (libgpiod's event reader would, with a
# struct timespec: the kernel's GPIO records are read directly).
LFS_CFLAGS := -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(LFS_CFLAGS) \
	-DNVR_VERSION='"$(VERSION)"' -I. \
	-DNVR_BUILD_TIME=$(SOURCE_DATE_EPOCH) \
	$(LAZY_CFLAGS) \
	$(WARNINGS) $(HARDEN) $(CPPFLAGS) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
# Debian 12's libunistring ships no .pc file: ask pkg-config first, and
# fall back to the plain library name.
UNISTRING_LIBS = $(shell $(PKG_CONFIG) --libs libunistring 2>/dev/null || \
	echo -lunistring)
# Libraries that one store, one screen or one option needs are not
# linked: common/lazy_lib.c loads each by its SONAME, read here from the
# library pkg-config names, when that code first runs, so that no other
# start pays for them (libmariadb and the OpenSSL it brings for a
# ZoneMinder store, libsqlite3 for Frigate's, libqrencode for the QR code,
# libserialport for --port, libevdev and libgpiod for the reset button's
# watcher).
LAZY_PKGS := libmariadb libqrencode libserialport sqlite3 libevdev libgpiod
READELF ?= readelf
soname = $(shell $(READELF) -d $$($(PKG_CONFIG) --variable=libdir $(1) \
	2>/dev/null)/$(2) 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
MARIADB_SONAME := $(call soname,libmariadb,libmariadb.so)
QRENCODE_SONAME := $(call soname,libqrencode,libqrencode.so)
SERIALPORT_SONAME := $(call soname,libserialport,libserialport.so)
SQLITE_SONAME := $(call soname,sqlite3,libsqlite3.so)
EVDEV_SONAME := $(call soname,libevdev,libevdev.so)
GPIOD_SONAME := $(call soname,libgpiod,libgpiod.so)
LAZY_CFLAGS := $(foreach n,MARIADB QRENCODE SERIALPORT SQLITE EVDEV GPIOD,$(if $($(n)_SONAME), \
	-DNVR_$(n)_SONAME='"$($(n)_SONAME)"'))
LIBS = $(HARDEN_LD) $(LDFLAGS) \
	$(shell $(PKG_CONFIG) --libs $(filter-out $(LAZY_PKGS),$(PKGS))) \
	$(UNISTRING_LIBS) -ldl

CORE_SRC := \
	common/nvr_error.c common/atomic_file.c common/secret.c common/trust.c \
	common/line_file.c common/append_file.c \
	common/code32.c common/protocol.c common/reset_file.c common/keyfile.c \
	common/private_file.c common/provisioning.c common/harden.c \
	common/command.c common/lazy_lib.c \
	config/diag.c config/document.c config/schema.c config/config.c \
	config/reset_plan.c \
	backends/registry.c backends/audit.c backends/attempts.c \
	backends/device/device.c backends/device/static.c \
	backends/device/files.c \
	backends/accounts/shadow.c backends/accounts/policy.c \
	backends/accounts/key.c backends/accounts/stores.c \
	backends/accounts/pbkdf2.c backends/accounts/sqlite.c \
	backends/accounts/sqlite_owner.c backends/accounts/sqlite_lib.c \
	backends/accounts/conffile.c backends/accounts/conffile_parse.c \
	backends/accounts/hash_form.c backends/accounts/hash_scheme.c \
	backends/accounts/mariadb.c backends/accounts/mariadb_lib.c \
	backends/accounts/zm_conf.c \
	backends/accounts/sql_name.c \
	backends/accounts/zm_conf_parse.c \
	backends/recovery/recovery.c backends/recovery/file.c \
	backends/recovery/answer.c \
	backends/requests/requests.c backends/requests/provisioned.c \
	backends/requests/support.c \
	backends/reset/factory_reset.c backends/reset/journal.c \
	backends/reset/beneath.c \
	backends/button/hold.c backends/button/evdev.c \
	backends/button/evdev_lib.c backends/button/gpio.c \
	backends/button/gpiod_lib.c backends/button/announce.c \
	tui/keys.c tui/theme.c tui/draw.c tui/term.c tui/port.c \
	tui/qrencode_lib.c tui/serialport_lib.c \
	screens/main_menu.c screens/change_password.c screens/proof.c \
	screens/account_menu.c screens/input.c screens/questions.c \
	screens/forgot_password.c screens/support.c screens/factory_reset.c \
	screens/next_steps.c screens/file_list.c screens/events.c \
	wizard/wizard.c wizard/backends.c wizard/button_watch.c
MAIN_SRC := wizard/main.c
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
TEST_SUPPORT_SRC := tests/unit/support.c

OBJ := $(BUILD_DIR)/obj
ASAN_OBJ := $(BUILD_DIR)/asan/obj
CORE_OBJ := $(CORE_SRC:%.c=$(OBJ)/%.o)
ASAN_CORE_OBJ := $(CORE_SRC:%.c=$(ASAN_OBJ)/%.o)

.PHONY: all deps demo demo-reset check unit unit-asan e2e bench install clean \
	lint faults chaos \
	check-cross cross-deps build-tools
.DELETE_ON_ERROR:

all: $(BUILD_DIR)/nvr-recovery $(BUILD_DIR)/nvr-support

deps: build/.deps-ok

# NO_DEPS_INSTALL=1 (debian/rules): the packages' Build-Depends bring
# what the build needs, and build/.deps-ok installs nothing.
DEPS_INSTALL = $(if $(filter 1,$(NO_DEPS_INSTALL)),@:,\
	packaging/deb/install-build-deps)

build/.deps-ok: packaging/deb/build-deps.txt packaging/deb/install-build-deps
	$(DEPS_INSTALL)
	@mkdir -p $(@D) && touch $@

# Every compile waits for this: the native build's missing packages
# installed first (build/.deps-ok; a cross build installs nothing by
# itself), then the compiler, pkg-config and each library checked, so
# that one missing is one line naming it and how to install it, at the
# start, not a link failure after many silent pkg-config errors.
DEPS_OK := $(if $(CROSS),,build/.deps-ok)
READY := $(DEPS_OK) build-tools

build-tools: $(DEPS_OK)
	@packaging/deb/check-build-tools "$(CROSS)" "$(CC)" "$(PKG_CONFIG)" \
		$(PKGS) $(TEST_PKGS)

$(OBJ)/%.o: %.c | $(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# The sanitizer build is also the test build (NVR_TEST_BUILD: switches
# the end-to-end tests may set, such as NVR_TEST_WALK in beneath.c).
$(ASAN_OBJ)/%.o: %.c | $(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(SANITIZE) -DNVR_TEST_BUILD -MMD -MP \
		-c $< -o $@

$(BUILD_DIR)/nvr-recovery: $(CORE_OBJ) $(OBJ)/$(MAIN_SRC:.c=.o)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(BUILD_DIR)/asan/nvr-recovery: $(ASAN_CORE_OBJ) $(ASAN_OBJ)/$(MAIN_SRC:.c=.o)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(LIBS)

# nvr-support, the vendor's tool, links only what it uses: its key files
# (support/), the protocol, the one write path; libsodium is its only
# library.
SUPPORT_SRC := support/keyset.c support/issue_log.c \
	common/nvr_error.c common/atomic_file.c common/trust.c \
	common/code32.c common/protocol.c common/reset_file.c common/keyfile.c \
	common/private_file.c common/provisioning.c common/harden.c \
	common/append_file.c
SUPPORT_MAIN_SRC := support/main.c
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(OBJ)/%.o)
ASAN_SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(ASAN_OBJ)/%.o)
SUPPORT_LIBS = $(HARDEN_LD) $(LDFLAGS) $(shell $(PKG_CONFIG) --libs libsodium)

$(BUILD_DIR)/nvr-support: $(SUPPORT_OBJ) $(OBJ)/$(SUPPORT_MAIN_SRC:.c=.o)
	$(CC) $(CFLAGS) -o $@ $^ $(SUPPORT_LIBS)

# request-tool stands in for a device in nvr-support's end-to-end tests:
# it makes requests and checks codes from a provisioning file.
build/request-tool: $(OBJ)/tests/e2e/request_tool.o $(SUPPORT_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(SUPPORT_LIBS)

# Unit tests link the core objects and their shared support code with
# cmocka. The support object is built by the pattern rules above, with
# cmocka's flags added to BASE_CFLAGS (an append to CFLAGS would be lost
# when CFLAGS is given on the command line).
$(TEST_SUPPORT_SRC:%.c=$(OBJ)/%.o) $(TEST_SUPPORT_SRC:%.c=$(ASAN_OBJ)/%.o): \
	BASE_CFLAGS += $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS))

$(BUILD_DIR)/tests/%: tests/unit/%.c $(TEST_SUPPORT_SRC:%.c=$(OBJ)/%.o) \
		$(CORE_OBJ) | $(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags \
		$(TEST_PKGS)) -o $@ $^ $(LIBS) \
		$(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

$(BUILD_DIR)/asan/tests/%: tests/unit/%.c \
		$(TEST_SUPPORT_SRC:%.c=$(ASAN_OBJ)/%.o) $(ASAN_CORE_OBJ) | \
		$(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(SANITIZE) $(shell $(PKG_CONFIG) \
		--cflags $(TEST_PKGS)) -o $@ $^ $(LIBS) \
		$(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

# The crash test kills a writer at each failpoint, so it builds its own
# atomic_file.c with them; the core objects have none.
CRASH_SRC := tests/unit/test_atomic_crash.c common/atomic_file.c \
	common/trust.c common/nvr_error.c
CRASH_DEPS := $(CRASH_SRC) common/atomic_file.h common/failpoint.h \
	common/trust.h common/nvr_error.h

$(BUILD_DIR)/tests/test_atomic_crash: $(CRASH_DEPS) | $(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -DNVR_FAILPOINTS $(shell \
		$(PKG_CONFIG) --cflags $(TEST_PKGS)) -o $@ $(CRASH_SRC) \
		$(LIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

$(BUILD_DIR)/asan/tests/test_atomic_crash: $(CRASH_DEPS) | $(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(SANITIZE) -DNVR_FAILPOINTS $(shell \
		$(PKG_CONFIG) --cflags $(TEST_PKGS)) -o $@ $(CRASH_SRC) \
		$(LIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

# The reset's crash test kills the executor at each failpoint of the
# journal, its steps and the write path beneath them.
RESET_CRASH_SRC := tests/unit/test_reset_crash.c backends/reset/journal.c \
	config/reset_plan.c backends/reset/beneath.c common/atomic_file.c \
	common/trust.c common/nvr_error.c common/command.c
RESET_CRASH_DEPS := $(RESET_CRASH_SRC) backends/reset/journal.h \
	config/reset_plan.h backends/reset/beneath.h common/atomic_file.h \
	common/failpoint.h common/nvr_error.h

$(BUILD_DIR)/tests/test_reset_crash: $(RESET_CRASH_DEPS) | $(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -DNVR_FAILPOINTS $(shell \
		$(PKG_CONFIG) --cflags $(TEST_PKGS)) -o $@ $(RESET_CRASH_SRC) \
		$(LIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

$(BUILD_DIR)/asan/tests/test_reset_crash: $(RESET_CRASH_DEPS) | $(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(SANITIZE) -DNVR_FAILPOINTS $(shell \
		$(PKG_CONFIG) --cflags $(TEST_PKGS)) -o $@ $(RESET_CRASH_SRC) \
		$(LIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

# The fault test (tests/faults) defines the system calls the stores write
# with, so it links the core objects and nvr-support's key files and
# issue log itself, exported (-rdynamic) so that libsqlite3 calls them
# too. `make faults` prints its table of write sites and faults.
FAULTS_SRC := tests/faults/faults.c tests/faults/inject.c
FAULTS_OBJ := $(TEST_SUPPORT_SRC:%.c=$(OBJ)/%.o) $(CORE_OBJ) \
	$(OBJ)/support/keyset.o $(OBJ)/support/issue_log.o

$(BUILD_DIR)/tests/faults: $(FAULTS_SRC) tests/faults/inject.h \
		$(FAULTS_OBJ) | $(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags \
		$(TEST_PKGS)) -rdynamic -o $@ $(FAULTS_SRC) $(FAULTS_OBJ) \
		$(LIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PKGS)) -ldl

faults: $(BUILD_DIR)/tests/faults
	@NVR_FAULTS_STORE='$(STORE)' CMOCKA_MESSAGE_OUTPUT=TAP \
		$(BUILD_DIR)/tests/faults | sed -n 's/^# //p; /^not ok.* - /p'

# test_accounts_shadow checks the hashes it writes with this small program
# of its own, linked with libxcrypt only.
$(BUILD_DIR)/tests/crypt_check: tests/unit/crypt_check.c | $(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags \
		libxcrypt) -o $@ $< $(shell $(PKG_CONFIG) --libs libxcrypt)

$(BUILD_DIR)/tests/test_accounts_shadow \
		$(BUILD_DIR)/asan/tests/test_accounts_shadow: | \
		$(BUILD_DIR)/tests/crypt_check

# test_keyset tests support/'s key files, so it links the support
# objects instead of the core ones.
$(BUILD_DIR)/tests/test_keyset: tests/unit/test_keyset.c $(SUPPORT_OBJ) | \
		$(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags \
		$(TEST_PKGS)) -o $@ $^ $(SUPPORT_LIBS) \
		$(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

$(BUILD_DIR)/asan/tests/test_keyset: tests/unit/test_keyset.c \
		$(ASAN_SUPPORT_OBJ) | $(READY)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(SANITIZE) $(shell $(PKG_CONFIG) \
		--cflags $(TEST_PKGS)) -o $@ $^ $(SUPPORT_LIBS) \
		$(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

build/vtdrive: tests/e2e/vtdrive.c | build/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags \
		$(DRIVER_PKGS)) -o $@ $< $(shell $(PKG_CONFIG) --libs \
		$(DRIVER_PKGS)) -lutil

# racer swaps folders for links while a reset runs (tests/e2e/
# factory_reset/race-test).
build/racer: tests/e2e/racer.c | build/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< $(HARDEN_LD)

build/syslog-recv: tests/e2e/syslog_recv.c | build/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< $(HARDEN_LD)

# serial-pace carries a serial line's bytes at its real speed (make
# bench: the change-password flow over --port at 9600 baud).
build/serial-pace: tests/e2e/serial_pace.c | build/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< $(HARDEN_LD)

# qr-demo shows one view with a QR code through tui/ alone, for the e2e
# tests of the QR drawing (tests/e2e/tui/); vtdrive decodes what the
# terminal shows with zbarimg.
QR_DEMO_OBJ := $(OBJ)/tests/e2e/qr_demo.o $(OBJ)/tui/keys.o \
	$(OBJ)/tui/theme.o $(OBJ)/tui/draw.o $(OBJ)/tui/term.o \
	$(OBJ)/tui/qrencode_lib.o $(OBJ)/common/lazy_lib.o \
	$(OBJ)/common/nvr_error.o

build/qr-demo: $(QR_DEMO_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

check e2e: build/qr-demo

-include $(OBJ)/tests/e2e/qr_demo.d

# The demo device lives in build/demo: git cannot keep file modes, and
# the wizard refuses a config others could write. Its accounts are seeded
# from config/demo/ once, so a change made in the demo holds between runs.
build/demo/config.yaml: config/demo.yaml
	@mkdir -p $(@D)
	install -m 0600 $< $@

build/demo/root/etc/shadow:
	@mkdir -p $(@D)
	install -m 0644 config/demo/etc/passwd $(@D)/passwd
	install -m 0640 config/demo/etc/shadow $@

# The demo vendor's key set (public, marked demo) with the modes
# nvr-support insists on, and the demo device provisioned from it.
build/demo/vendor/keyset-9000: config/demo-vendor/keyset-9000
	install -d -m 0700 $(@D)
	install -m 0600 $< $@

build/demo/provisioning: build/demo/vendor/keyset-9000 | build/nvr-support
	rm -f $@
	build/nvr-support provision --keys build/demo/vendor \
		--serial DEMO-0042-7731 --out $@

# The demo's settings and recordings, for Factory reset to erase and keep.
build/demo/data/settings/network.conf:
	@mkdir -p build/demo
	cp -R config/demo/data config/demo/recordings build/demo/

DEMO_FILES := build/demo/config.yaml build/demo/root/etc/shadow \
	build/demo/provisioning build/demo/data/settings/network.conf

# FIRSTBOOT=1: a throwaway copy whose admin has no password ('!'), which
# opens on first-boot setup.
demo: build/nvr-recovery $(DEMO_FILES)
ifeq ($(FIRSTBOOT),1)
	rm -rf build/demo-firstboot
	cp -a build/demo build/demo-firstboot
	sed -i 's/^admin:[^:]*:/admin:!:/' build/demo-firstboot/root/etc/shadow
	build/nvr-recovery --config build/demo-firstboot/config.yaml $(ARGS)
else
	build/nvr-recovery --config build/demo/config.yaml $(ARGS)
endif

demo-reset:
	rm -rf build/demo
	$(MAKE) $(DEMO_FILES)

UNIT_BINS := $(UNIT_TESTS:%=$(BUILD_DIR)/tests/%)
ASAN_UNIT_BINS := $(UNIT_TESTS:%=$(BUILD_DIR)/asan/tests/%)

# make ARCH=arm64 builds the unit tests too; make check-cross ARCH=arm64
# runs them (the list make unit runs) under qemu-user-static, with a
# binfmt_misc handler for the run, as some tests start programs of their
# own (tests/run-cross).
ifdef CROSS
all: $(UNIT_BINS) $(BUILD_DIR)/tests/crypt_check

check-cross: $(UNIT_BINS) $(BUILD_DIR)/tests/crypt_check
	tests/run-cross $(CROSS) $(UNIT_BINS)

# The native build's packages first, then ARCH's (one apt at a time).
deps: cross-deps

cross-deps: build/.deps-ok
	packaging/deb/install-cross-deps $(CROSS)
else
check-cross:
	@echo "make check-cross needs ARCH= (e.g. make check-cross" \
		"ARCH=arm64; native: make unit)" >&2; exit 2

# Checked again even when build/.deps-ok is there: a cross build's
# packages may have replaced a native one since (libmariadb-dev).
deps:
	$(DEPS_INSTALL)
endif

# The screen walk (every frame at 80x24, nothing cut) opens a copy of the
# demo device, so it runs here, not under check-cross.
WALK_BINS := build/tests/walk_screens build/asan/tests/walk_screens

check: build/nvr-recovery build/asan/nvr-recovery build/vtdrive \
		build/syslog-recv build/racer build/nvr-support \
		build/request-tool $(DEMO_FILES) $(UNIT_BINS) $(ASAN_UNIT_BINS) \
		$(WALK_BINS) $(BUILD_DIR)/tests/faults
	tests/run-all $(UNIT_BINS) $(ASAN_UNIT_BINS) $(WALK_BINS) \
		$(FUZZ_REPLAY_BINS) $(BUILD_DIR)/tests/faults

unit: $(UNIT_BINS)
	tests/run-all --unit-only $(UNIT_BINS)

# Static analysis (tests/lint: cppcheck and clang-tidy, with the build's
# flags; CI runs it after make check).
LINT_CFLAGS = -std=c11 -D_GNU_SOURCE $(LFS_CFLAGS) -I. \
	-DNVR_BUILD_TIME=0 $(shell $(PKG_CONFIG) --cflags $(PKGS) $(TEST_PKGS))
lint: $(DEPS_OK)
	CFLAGS='$(LINT_CFLAGS)' tests/lint

unit-asan: $(ASAN_UNIT_BINS)
	tests/run-all --unit-only $(ASAN_UNIT_BINS)

e2e: build/nvr-recovery build/asan/nvr-recovery build/vtdrive \
		build/syslog-recv build/racer build/nvr-support \
		build/request-tool $(DEMO_FILES)
	tests/run-all --e2e-only

# Terminal chaos (tests/e2e/chaos/): make check runs each flow's for 3
# seconds with the seed its script names; make chaos SECONDS=N runs them
# for N seconds (60) with a new seed (SEED=N replays one), printed first
# and by any failure.
CHAOS_SECONDS = $(or $(SECONDS),60)
chaos: build/nvr-recovery build/asan/nvr-recovery build/vtdrive $(DEMO_FILES)
	@seed='$(SEED)'; [ -n "$$seed" ] || \
		seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); \
	echo "chaos: $(CHAOS_SECONDS) s a flow, seed $$seed"; \
	E2E=chaos/ NVR_CHAOS_SECONDS=$(CHAOS_SECONDS) NVR_CHAOS_SEED=$$seed \
		tests/run-all --e2e-only

# What the wizard costs on a serial line, beside dialog and whiptail: a
# table, not a test (tests/bench/run). RUNS=N runs each N times (5).
bench: build/nvr-recovery build/vtdrive build/serial-pace $(DEMO_FILES)
	tests/bench/run
	tests/bench/growth

install: $(BUILD_DIR)/nvr-recovery $(BUILD_DIR)/nvr-support
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DOCDIR)/examples
	install -m 0755 $(BUILD_DIR)/nvr-recovery \
		$(DESTDIR)$(SBINDIR)/nvr-recovery
	install -m 0644 man/nvr-recovery.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(MANDIR)/man5
	install -m 0644 man/nvr-recovery.yaml.5 $(DESTDIR)$(MANDIR)/man5/
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILD_DIR)/nvr-support \
		$(DESTDIR)$(BINDIR)/nvr-support
	install -m 0644 man/nvr-support.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 config/example.yaml \
		$(DESTDIR)$(DOCDIR)/examples/
	install -d $(DESTDIR)$(DOCDIR)/examples/demo/root/etc \
		$(DESTDIR)$(DOCDIR)/examples/demo/vendor
	install -m 0644 config/demo.yaml \
		$(DESTDIR)$(DOCDIR)/examples/demo/config.yaml
	install -m 0644 packaging/deb/README.demo \
		$(DESTDIR)$(DOCDIR)/examples/demo/README
	install -m 0644 config/demo/etc/passwd config/demo/etc/shadow \
		$(DESTDIR)$(DOCDIR)/examples/demo/root/etc/
	cp -R config/demo/data config/demo/recordings \
		$(DESTDIR)$(DOCDIR)/examples/demo/
	install -m 0644 config/demo-vendor/keyset-9000 \
		$(DESTDIR)$(DOCDIR)/examples/demo/vendor/
	install -d $(DESTDIR)$(UNITDIR)
	install -m 0644 packaging/systemd/nvr-recovery-resume.service \
		packaging/systemd/nvr-recovery-button.service \
		packaging/systemd/nvr-recovery-serial@.service \
		packaging/systemd/nvr-recovery-console@.service \
		$(DESTDIR)$(UNITDIR)/
	install -d $(DESTDIR)$(SYSCONFDIR)/nvr-recovery
	install -m 0644 config/system.yaml \
		$(DESTDIR)$(SYSCONFDIR)/nvr-recovery/config.yaml

# Debian packages (packaging/deb/): make deb builds nvr-recovery and
# nvr-support in build/deb/ and runs lintian on them; make deb-test
# installs, removes, upgrades and purges them in a Debian 12 root; make
# piuparts runs piuparts on both. Each first installs the tools it needs
# (packaging/deb/deb-deps.txt).
.PHONY: deb deb-test piuparts deb-deps

deb-deps: build/.deb-deps-ok

build/.deb-deps-ok: packaging/deb/deb-deps.txt packaging/deb/install-build-deps
	$(if $(filter 1,$(NO_DEPS_INSTALL)),@:,packaging/deb/install-build-deps \
		packaging/deb/deb-deps.txt)
	@mkdir -p $(@D) && touch $@

deb: build/.deps-ok build/.deb-deps-ok
	ARCH=$(CROSS) packaging/deb/build-deb

# With ARCH=arm64 (armhf), the cross-built packages installed in an
# ARCH root under qemu (tests/deb/deb-test-cross).
ifeq ($(CROSS),)
deb-test: deb build/vtdrive
	tests/deb/deb-test
else
deb-test: deb
	tests/deb/deb-test-cross $(CROSS)
endif

piuparts: deb
	tests/deb/piuparts

clean:
	rm -rf $(BUILD_DIR)

-include $(CORE_OBJ:.o=.d) $(ASAN_CORE_OBJ:.o=.d) $(OBJ)/wizard/main.d \
	$(ASAN_OBJ)/wizard/main.d $(TEST_SUPPORT_SRC:%.c=$(OBJ)/%.d) \
	$(TEST_SUPPORT_SRC:%.c=$(ASAN_OBJ)/%.d) \
	$(SUPPORT_OBJ:.o=.d) $(ASAN_SUPPORT_OBJ:.o=.d) \
	$(OBJ)/$(SUPPORT_MAIN_SRC:.c=.d) $(OBJ)/tests/e2e/request_tool.d

# Fuzzing (tests/fuzz/): one libFuzzer harness per parser, seed corpora
# in tests/fuzz/corpus/NAME/.
#   make fuzz           builds each harness with clang (libFuzzer, ASan,
#                       UBSan; tests/fuzz/install-deps installs clang when
#                       missing) and runs each for FUZZ_SECONDS on a copy
#                       of its corpus in build/fuzz/, FUZZ_JOBS at once
#   make fuzz-replay    what make check runs: each corpus file once through
#                       its harness, built with gcc and SANITIZE (no clang)
#   make fuzz-seeds     writes the generated seeds into tests/fuzz/corpus/
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_CC ?= clang
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_LIB_SRC := common/code32.c common/protocol.c common/keyfile.c \
	common/reset_file.c common/nvr_error.c backends/accounts/pbkdf2.c \
	common/provisioning.c common/private_file.c common/atomic_file.c \
	common/trust.c \
	backends/accounts/conffile_parse.c backends/accounts/hash_form.c \
	backends/accounts/zm_conf_parse.c tui/keys.c
FUZZ_HEADERS := tests/fuzz/fuzz.h $(wildcard common/*.h) common/nvr_error.h \
	backends/accounts/pbkdf2.h backends/accounts/conffile_parse.h \
	backends/accounts/hash_form.h backends/accounts/zm_conf.h tui/keys.h
FUZZ_LIBS = $(shell $(PKG_CONFIG) --libs libsodium nettle)
FUZZ_BINS := $(FUZZ_NAMES:%=build/fuzz/fuzz_%)
FUZZ_REPLAY_BINS := $(FUZZ_NAMES:%=build/asan/fuzz/replay_%)
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -I. -g -O1 \
	$(filter-out -Werror,$(WARNINGS)) $(CPPFLAGS) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer $(shell $(PKG_CONFIG) --cflags libsodium nettle)

.PHONY: fuzz fuzz-replay fuzz-seeds

build/fuzz/.deps-ok: tests/fuzz/deps.txt tests/fuzz/install-deps
	FUZZ_CC=$(FUZZ_CC) tests/fuzz/install-deps
	@mkdir -p $(@D) && touch $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_SRC) $(FUZZ_HEADERS) | \
		build/.deps-ok build/fuzz/.deps-ok
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB_SRC) $(FUZZ_LIBS)

# These harnesses take the whole core: the config's registry knows every
# backend's keys, and with them every backend; the state files are read
# through their backends.
FUZZ_CORE_NAMES := config state shadow
$(FUZZ_CORE_NAMES:%=build/fuzz/fuzz_%): build/fuzz/fuzz_%: \
		tests/fuzz/fuzz_%.c $(CORE_SRC) $(FUZZ_HEADERS) | \
		build/.deps-ok build/fuzz/.deps-ok
	$(FUZZ_CC) $(FUZZ_FLAGS) $(LFS_CFLAGS) \
		$(shell $(PKG_CONFIG) --cflags $(PKGS)) -o $@ $< $(CORE_SRC) \
		$(shell $(PKG_CONFIG) --libs $(PKGS)) $(UNISTRING_LIBS)

fuzz: $(FUZZ_BINS)
	FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run-fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

build/asan/fuzz/replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_%.c \
		$(FUZZ_LIB_SRC:%.c=$(ASAN_OBJ)/%.o) $(FUZZ_HEADERS) | \
		build/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(SANITIZE) \
		-DFUZZ_CORPUS='"tests/fuzz/corpus/$*"' -o $@ \
		tests/fuzz/replay.c tests/fuzz/fuzz_$*.c \
		$(FUZZ_LIB_SRC:%.c=$(ASAN_OBJ)/%.o) $(HARDEN_LD) $(LDFLAGS) \
		$(FUZZ_LIBS)

$(FUZZ_CORE_NAMES:%=build/asan/fuzz/replay_%): build/asan/fuzz/replay_%: \
		tests/fuzz/replay.c tests/fuzz/fuzz_%.c $(ASAN_CORE_OBJ) \
		$(FUZZ_HEADERS) | build/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(SANITIZE) \
		-DFUZZ_CORPUS='"tests/fuzz/corpus/$*"' -o $@ \
		tests/fuzz/replay.c tests/fuzz/fuzz_$*.c $(ASAN_CORE_OBJ) \
		$(LIBS)

check: $(FUZZ_REPLAY_BINS)

fuzz-replay: $(FUZZ_REPLAY_BINS)
	tests/run-all --unit-only $(FUZZ_REPLAY_BINS)

build/fuzz/gen-seeds: tests/fuzz/gen_seeds.c $(FUZZ_LIB_SRC:%.c=$(OBJ)/%.o) \
		$(FUZZ_HEADERS) | build/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< \
		$(FUZZ_LIB_SRC:%.c=$(OBJ)/%.o) $(HARDEN_LD) $(LDFLAGS) \
		$(FUZZ_LIBS)

fuzz-seeds: build/fuzz/gen-seeds
	build/fuzz/gen-seeds tests/fuzz/corpus

-include $(FUZZ_LIB_SRC:%.c=$(OBJ)/%.d) $(FUZZ_LIB_SRC:%.c=$(ASAN_OBJ)/%.d)
