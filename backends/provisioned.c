/* provisioned.c: loading the recorder's provisioning file. */
#include "backends/provisioned.h"

#include <errno.h>
#include <string.h>

#include "common/protocol.h"
#include "common/provisioning.h"

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
	if (p.demo && !allow_demo) {
		unsigned key_id = p.key_id;

		provisioning_wipe(&p);
		return nvr_error_set(err, -EPERM, "%s is for the demo key set "
		    "%u, whose keys are public; a recorder accepts it only "
		    "with support: {demo: true}, which no product may have",
		    path, key_id);
	}
	dev->key_id = p.key_id;
	dev->demo = p.demo;
	memcpy(dev->serial, p.serial, sizeof(dev->serial));
	protocol_subkeys(p.device_key, dev->request_key, dev->code_key);
	memcpy(vendor_public, p.vendor_public_key, crypto_sign_PUBLICKEYBYTES);
	provisioning_wipe(&p);
	return 0;
}
