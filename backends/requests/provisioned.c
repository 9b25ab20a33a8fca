/* provisioned.c: loading the recorder's provisioning file. */
#include "backends/requests/provisioned.h"

#include <errno.h>
#include <string.h>

#include "common/protocol.h"
#include "common/provisioning.h"

/* The demo vendor key set (config/demo-vendor/keyset-9000) is public,
 * so it is known here by its id and public key, not only by the demo=
 * line of a file: a relabelled copy is still refused. */
#define DEMO_KEY_ID 9000
static const char demo_sign_public[] =
    "826fb21dd437cf1db33f0ee4e441c5ba6666a5354c0aacc4c290f4de85cbe2a2";

static bool
is_demo(const struct provisioning *p)
{
	uint8_t demo_pk[crypto_sign_PUBLICKEYBYTES];
	size_t len = 0;

	if (p->demo || p->key_id == DEMO_KEY_ID)
		return true;
	if (sodium_hex2bin(demo_pk, sizeof(demo_pk), demo_sign_public,
	    sizeof(demo_sign_public) - 1, NULL, &len, NULL) != 0 ||
	    len != sizeof(demo_pk))
		return true;	/* not reached; fail closed */
	return sodium_memcmp(demo_pk, p->vendor_public_key,
	    sizeof(demo_pk)) == 0;
}

int
provisioned_load(const char *path, bool allow_demo,
    struct requests_device *dev,
    uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    struct nvr_error *err)
{
	struct provisioning p;
	int rc = provisioning_read(path, &p, err);

	memset(dev, 0, sizeof(*dev));
	if (rc != 0)
		return rc;
	if (is_demo(&p) && !allow_demo) {
		unsigned key_id = p.key_id;

		provisioning_wipe(&p);
		return nvr_error_set(err, -EPERM, "%s is for the demo key set "
		    "%u, whose keys are public; a recorder accepts it only "
		    "with support: {demo: true}, which no product may have",
		    path, key_id);
	}
	dev->key_id = p.key_id;
	dev->demo = is_demo(&p);
	memcpy(dev->serial, p.serial, sizeof(dev->serial));
	protocol_subkeys(p.device_key, dev->request_key, dev->code_key);
	memcpy(vendor_public, p.vendor_public_key, crypto_sign_PUBLICKEYBYTES);
	provisioning_wipe(&p);
	return 0;
}
