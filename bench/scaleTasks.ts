/** Task ids the scale bench's fake provider and seeded database share. */
export const scaleTaskId = (i: number) => `task_SCALE${String(i).padStart(8, '0')}`;
