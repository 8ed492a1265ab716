#ifndef PORTICO_CUPNP_SHIM_H
#define PORTICO_CUPNP_SHIM_H
#include <upnp/upnp.h>
#include <upnp/ixml.h>
#include <upnp/upnptools.h>

/* An IXML document is its own root node: C converts the pointer implicitly, Swift cannot. */
static inline IXML_Node *portico_ixml_document_node(IXML_Document *document) {
    return (IXML_Node *)document;
}
#endif
