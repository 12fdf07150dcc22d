import { projects } from '@elevate-fixture/projects';
import { expect, it } from 'vitest';

it('x', () => expect(projects.id).toBe('projects'));
