//! Enumerations that people read by a label and storage, URLs and files hold by a stable code.

/// The code of a value was not one of its enumeration's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not a {kind}: expected one of {expected}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub given: String,
    pub expected: String,
}

/// Declares an enumeration with, for each variant, a stable code (kept in the database and in
/// query strings, so never renamed) and the label a user reads.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($kind:literal) {
            $( $(#[$variant_meta:meta])* $variant:ident => ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant ),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code ),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $( $name::$variant => $label ),+ }
            }

            pub fn from_code(code: &str) -> Result<Self, $crate::coded::UnknownCode> {
                match code {
                    $( $code => Ok($name::$variant), )+
                    _ => Err($crate::coded::UnknownCode {
                        kind: $kind,
                        given: code.to_owned(),
                        expected: [$( $code ),+].join(", "),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.label())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::coded::UnknownCode;
            fn from_str(code: &str) -> Result<Self, Self::Err> {
                $name::from_code(code)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $name::from_code(&code).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use coded_enum;
