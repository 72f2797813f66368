export const hashed = 1;
