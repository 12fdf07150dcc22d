// What the users, roles and teams endpoints answer (docs/administration.md#users-roles-and-teams).

export interface AdminUser {
  id: string;
  email: string;
  name: string;
  active: boolean;
  roles: string[];
  lastLoginAt: string | null;
  createdAt: string;
}

export interface AdminRole {
  id: string;
  key: string;
  name: string;
  description: string | null;
  permissions: string[];
  seeded: boolean;
  editable: boolean;
  userCount: number;
}

export interface AdminTeam {
  id: string;
  name: string;
  managerId: string | null;
  memberIds: string[];
  createdAt: string;
}

export interface PermissionGroup {
  addon: string;
  title: string;
  permissions: { key: string; title: string; scopes: ('all' | 'team' | 'own')[] }[];
}
