/*
 * What the library's libnl users share.  libnl's NLE_* codes stop at the
 * adapter that called libnl: they are turned into errno values here.
 */
#ifndef TCPTUNE_NL_H
#define TCPTUNE_NL_H

/*
 * An NLE_* code (either sign, as libnl returns them) as a negative errno;
 * -EIO for a code with no closer errno.
 */
int tt_nl_errno(int nle);

#endif
