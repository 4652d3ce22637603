/**
 * An entry's content as every part of the portal names it: the camelCase shape the repositories
 * write, and the one mapping from the snake_case names the registration form and the CSV use
 * (contact_company → contactCompany). Registration, import and the demo data all go through here.
 */

/** What an entry says about itself (登録情報): the fields the form, the CSV and the detail page share. */
export type EntryContent = {
  typeId: number;
  title: string;
  summary: string;
  url: string | null;
  contactCompany: string;
  contactDepartment: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
};

/** The registrant snapshot (登録者情報): the registering user's profile when the entry was made. */
export type RegistrantSnapshot = {
  registrantCompany: string;
  registrantDepartment: string;
  registrantName: string;
  registrantPhone: string;
  registrantEmail: string;
};

/** The content fields as the form and the CSV name them (url '' for none). */
export type EntryContentFields = {
  title: string; summary: string; url: string; contact_company: string; contact_department: string;
  contact_name: string; contact_phone: string; contact_email: string;
};

export function entryContent(typeId: number, fields: EntryContentFields): EntryContent {
  return {
    typeId, title: fields.title, summary: fields.summary, url: fields.url || null,
    contactCompany: fields.contact_company, contactDepartment: fields.contact_department, contactName: fields.contact_name,
    contactPhone: fields.contact_phone, contactEmail: fields.contact_email,
  };
}

/** A user's profile (or the stored snapshot) as the entry keeps it. */
export function registrantSnapshot(who: { company: string; department: string; name: string; phone: string; email: string }): RegistrantSnapshot {
  return {
    registrantCompany: who.company, registrantDepartment: who.department, registrantName: who.name,
    registrantPhone: who.phone, registrantEmail: who.email,
  };
}
