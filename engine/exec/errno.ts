// Linux errno values as BPF helpers and maps return them; a leaf, so maps and helpers both
// import it without importing each other.

export const ERRNO = {
  EPERM: 1, ENOENT: 2, E2BIG: 7, EAGAIN: 11, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, ENODEV: 19, EINVAL: 22, ENOSPC: 28, ERANGE: 34, EOPNOTSUPP: 95, EAFNOSUPPORT: 97,
} as const;
